import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { OutputTally } from '../domain/output-verification';
import type { JobOutputs } from '../use-cases/ports';

/** Personalize names each output file `<input file name>.out`. */
const OUTPUT_SUFFIX = '.out';

/**
 * Adapter over `S3Client` that reads what a batch job wrote. Objects are streamed line by line
 * into the tally, so memory stays bounded by the longest line, whatever the output's size
 * (Personalize accepts up to 1 GB of input per job).
 */
export class S3JobOutputs implements JobOutputs {
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

  private async tallyObject(bucket: string, key: string, tally: OutputTally): Promise<void> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!object.Body) return;
    const lines = createInterface({ input: object.Body as Readable, crlfDelay: Infinity });
    for await (const line of lines) tally.addLine(line);
  }
}
