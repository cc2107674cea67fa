import { ListObjectsV2Command, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { OUTPUT_FILE_SUFFIX } from '../domain/output-wait';
import type { OutputObjects } from '../use-cases/ports';

/**
 * Adapter over `S3Client` that tells whether a job's output is already there, by listing (key
 * names only: `s3:ListBucket` under the output prefix, no read of the data). S3 lists with
 * read-after-write consistency, so an object created before the call is found.
 */
export class S3OutputObjects implements OutputObjects {
  private readonly client: S3Client;

  constructor(options: { client?: S3Client; clientConfig?: S3ClientConfig } = {}) {
    this.client = options.client ?? new S3Client(options.clientConfig ?? {});
  }

  async findOutput(target: { bucket: string; folderKey: string; fileKey?: string | undefined }): Promise<string | undefined> {
    if (target.fileKey !== undefined) {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix: target.fileKey, MaxKeys: 1 }));
      return page.Contents?.some((object) => object.Key === target.fileKey) ? target.fileKey : undefined;
    }
    // Only the folder's own `.out` files (Personalize writes them flat), not sub-folders'.
    let continuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: target.bucket, Prefix: target.folderKey, Delimiter: '/', ContinuationToken: continuationToken }),
      );
      const found = page.Contents?.find((object) => object.Key?.endsWith(OUTPUT_FILE_SUFFIX));
      if (found?.Key) return found.Key;
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
    return undefined;
  }
}
