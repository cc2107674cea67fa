import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import type { S3Event } from 'aws-lambda';
import { LOCAL_REGION } from './local-aws';

/** s3rver only knows this one access key; with mismatched signatures allowed, any secret works. */
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** The slice of Koa's context the request rewrite touches. */
interface RewritableRequest {
  headers: Record<string, string | string[] | undefined>;
  querystring: string;
}

/** The slice of Koa's context the AbortMultipartUpload answer touches. */
interface AbortableRequest {
  method: string;
  path: string;
  type?: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
}

/** The longest file name the local disk takes (ext4, APFS, NTFS: 255 bytes). */
const FILE_NAME_MAX_BYTES = 255;

/**
 * s3rver stores each key as a path on disk, `<segment>/…/<last segment>._S3rver_metadata.json`, so
 * a key segment too long for a file name would fail deep inside it (ENAMETOOLONG, or a bare
 * InternalError). S3 itself takes any key up to 1,024 bytes; this is local mode's own limit, so it
 * is refused up front, as S3 refuses a key that is too long for it, naming the reason.
 * Returns whether it answered.
 */
function refuseUnstorableKey(ctx: AbortableRequest, store: S3rverInternals['store']): boolean {
  if (ctx.method !== 'PUT' && ctx.method !== 'POST') return false;
  const [, bucket, ...keyParts] = ctx.path.split('/');
  if (!bucket || keyParts.length === 0) return false;
  const key = keyParts.map((part) => decodeURIComponent(part)).join('/');
  const tooLong = store
    .getResourcePath(bucket, key, 'metadata.json')
    .split(/[\\/]/)
    .some((segment) => Buffer.byteLength(segment, 'utf8') > FILE_NAME_MAX_BYTES);
  if (!tooLong) return false;
  ctx.status = 400;
  ctx.type = 'application/xml';
  ctx.body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>KeyTooLongError</Code>' +
    '<Message>Local mode cannot store this key: s3rver keeps each part of a key between slashes as a file name, ' +
    'which the disk limits to 255 bytes (with s3rver&apos;s own 22-byte suffix). Amazon S3 takes it; locally, use a shorter file or folder name.</Message></Error>';
  return true;
}

/** The parts of s3rver that the AbortMultipartUpload answer needs (its store's private layout). */
interface S3rverInternals {
  middleware: unknown[];
  store: { getResourcePath(bucket: string, key: string | undefined, resource: string): string };
}

/** s3rver's own error class: thrown from a middleware, its error handler answers in S3's XML. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rverError = require('s3rver/lib/models/error') as new (code: string, message: string) => Error;

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
  const internals = server as unknown as S3rverInternals;
  // Koa composes its middleware when the server starts listening, so this runs before s3rver's own.
  internals.middleware.unshift(async (ctx: RewritableRequest & AbortableRequest, next: () => Promise<void>) => {
    rewriteForS3rver(ctx);
    if (refuseUnstorableKey(ctx, internals.store)) return;
    if (await answerAbortMultipartUpload(ctx, internals.store)) return;
    await next();
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
 * Makes s3rver take requests as S3 does, before it sees them:
 * - **Any credentials.** S3 accepts any valid key of the account; locally every key is valid, as
 *   with the other stand-ins. s3rver knows one access key, so the request's key is replaced by it
 *   (signatures are not checked: `allowMismatchedSignatures`).
 * - **CopyObject of any key.** S3 URL-decodes every escape in `x-amz-copy-source`; s3rver uses
 *   `decodeURI`, which leaves `%2B %26 %2C %3D %3B %3A %40 %24 %3F %23` encoded, so a copy of a key
 *   with `+ & , = ; : @ $ ? #` would find no such key. The header is decoded the way S3 does and
 *   re-encoded so that `decodeURI` yields exactly that key. s3rver keeps no versions, so the
 *   current object is the only one a `versionId` can name; the suffix is dropped.
 */
export function rewriteForS3rver(request: RewritableRequest): void {
  const { headers } = request;
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    headers.authorization = authorization.replace(/Credential=[^/,\s]+\//, `Credential=${S3RVER_CREDENTIALS.accessKeyId}/`);
  }
  if (/(^|&)X-Amz-Credential=/.test(request.querystring)) {
    request.querystring = request.querystring.replace(/(^|&)X-Amz-Credential=[^%&/]+(%2F|\/)/, `$1X-Amz-Credential=${S3RVER_CREDENTIALS.accessKeyId}$2`);
  }
  const copySource = headers['x-amz-copy-source'];
  if (typeof copySource === 'string') {
    const path = copySource.split('?')[0] ?? '';
    headers['x-amz-copy-source'] = encodeURI(decodeURIComponent(path));
  }
}

/**
 * AbortMultipartUpload (`DELETE /bucket/key?uploadId=…`), which s3rver does not implement: it answers
 * 405 MethodNotAllowed and keeps the parts on disk, so a writer that cleans up after a failure gets
 * an error and a long-running `local up` accumulates abandoned parts. Answered here as S3 does: the
 * parts discarded, the object under the key (if any) untouched, 204; `NoSuchUpload` (404) for an
 * upload it does not know. Returns whether it answered.
 */
async function answerAbortMultipartUpload(ctx: AbortableRequest, store: S3rverInternals['store']): Promise<boolean> {
  const uploadId = ctx.query.uploadId;
  if (ctx.method !== 'DELETE' || typeof uploadId !== 'string') return false;
  const bucket = decodeURIComponent(ctx.path.split('/')[1] ?? '');
  // The upload ID is s3rver's own hex; anything else cannot name one of its folders.
  const uploadDirectory = /^[0-9a-f]+$/.test(uploadId) ? join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId) : undefined;
  const exists = uploadDirectory !== undefined && (await stat(uploadDirectory).then((info) => info.isDirectory(), () => false));
  if (!exists) {
    throw new S3rverError(
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    );
  }
  await rm(uploadDirectory, { recursive: true, force: true });
  ctx.status = 204;
  ctx.body = null;
  return true;
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
