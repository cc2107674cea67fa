import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import type { S3Event } from 'aws-lambda';
import { LOCAL_REGION } from './local-aws';

/** s3rver only knows this one access key; with mismatched signatures allowed, any secret works. */
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface LocalS3 {
  endpoint: string;
  /** s3rver's notification events, with keys form-encoded as real S3 sends them (see `toS3NotificationEvent`). */
  onObjectEvent(listener: (event: S3Event) => void): void;
  close(): Promise<void>;
}

/**
 * Starts s3rver in process on a free loopback port with a throwaway data directory.
 * Buckets are created through the S3 API by the caller, as they would be by CloudFormation.
 */
export async function startLocalS3(options: { port?: number; directory?: string } = {}): Promise<LocalS3> {
  const ownsDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'pbo-s3-')));
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory,
    // Clients sign with made-up local credentials.
    allowMismatchedSignatures: true,
    vhostBuckets: false,
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    onObjectEvent(listener) {
      server.on('event', (event: S3Event) => listener(toS3NotificationEvent(event)));
    },
    async close() {
      await server.close();
      if (ownsDirectory) await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * s3rver emits keys as stored; real S3 notifications URL-encode them form-style (space as `+`).
 * Re-encoding here lets the local run exercise the trigger's decoding exactly as AWS would.
 */
function toS3NotificationEvent(event: S3Event): S3Event {
  return {
    Records: event.Records.map((record) => ({
      ...record,
      s3: {
        ...record.s3,
        object: { ...record.s3.object, key: encodeS3EventKey(record.s3.object.key) },
      },
    })),
  };
}

function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

/**
 * An S3 client configured for s3rver: path-style, because s3rver serves buckets under its one host
 * name; checksums only when an operation requires them, because the SDK's default (a streamed CRC32
 * in an aws-chunked body) is something s3rver cannot read.
 */
export function localS3Client(endpoint: string, config: S3ClientConfig = {}): S3Client {
  return new S3Client({
    endpoint,
    region: LOCAL_REGION,
    credentials: S3RVER_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...config,
  });
}
