import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { OutputTally } from '../domain/output-verification';
import type { InputRecords, JobOutputs } from '../use-cases/ports';

/** Personalize names each output file `<input file name>.out`. */
const OUTPUT_SUFFIX = '.out';

/**
 * Adapter over `S3Client` that reads what a batch job wrote. Objects are streamed line by line
 * into the tally, so memory stays bounded by the longest line, whatever the output's size
 * (Personalize accepts up to 1 GB of input per job).
 */
export class S3JobOutputs implements JobOutputs, InputRecords {
  private readonly client: S3Client;

  constructor(options: { client?: S3Client; clientConfig?: S3ClientConfig } = {}) {
    this.client = options.client ?? new S3Client(options.clientConfig ?? {});
  }

  /**
   * Feeds every `.out` object under `s3://bucket/prefix` into `tally`.
   * @throws the S3 error (`AccessDenied`, `KMS.*`, `NoSuchBucket`, …) when the output cannot be listed or read.
   */
  async tallyOutputs(location: { bucket: string; prefix: string }, tally: OutputTally): Promise<void> {
    let continuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: location.bucket, Prefix: location.prefix, ContinuationToken: continuationToken }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key?.endsWith(OUTPUT_SUFFIX)) continue;
        tally.addFile();
        await this.tallyObject(location.bucket, object.Key, tally);
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  /**
   * Counts the non-blank lines of every object under `s3://bucket/prefix` (the run's staged input
   * copy), as Personalize counts records. Bytes are scanned as they arrive, never decoded or split
   * into strings, so a 1 GB input costs one pass and a few kilobytes of memory.
   * @throws the S3 error when the objects cannot be listed or read.
   */
  async countRecords(location: { bucket: string; prefix: string }): Promise<number> {
    let records = 0;
    let continuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: location.bucket, Prefix: location.prefix, ContinuationToken: continuationToken }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key || object.Key.endsWith('/')) continue;
        const body = (await this.client.send(new GetObjectCommand({ Bucket: location.bucket, Key: object.Key }))).Body;
        if (body) records += await countNonBlankLines(body as Readable);
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
    return records;
  }

  private async tallyObject(bucket: string, key: string, tally: OutputTally): Promise<void> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!object.Body) return;
    const lines = createInterface({ input: object.Body as Readable, crlfDelay: Infinity });
    for await (const line of lines) tally.addLine(line);
  }
}

const NEWLINE = 0x0a;

/** JSON's whitespace (space, tab, CR) and the UTF-8 BOM's bytes: a line of only these is blank. */
function isBlankByte(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === 0xef || byte === 0xbb || byte === 0xbf;
}

/**
 * Lines holding anything but whitespace; the last line counts without a trailing newline. Once a
 * line has content, the rest of it is skipped with the native `indexOf`.
 */
export async function countNonBlankLines(stream: AsyncIterable<Uint8Array>): Promise<number> {
  let count = 0;
  let lineHasContent = false;
  for await (const chunk of stream) {
    let index = 0;
    while (index < chunk.length) {
      if (lineHasContent) {
        const newline = chunk.indexOf(NEWLINE, index);
        if (newline < 0) break;
        count += 1;
        lineHasContent = false;
        index = newline + 1;
      } else {
        const byte = chunk[index] as number;
        if (byte !== NEWLINE && !isBlankByte(byte)) lineHasContent = true;
        index += 1;
      }
    }
  }
  return lineHasContent ? count + 1 : count;
}
