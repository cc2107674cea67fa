import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { ConfigFiles, InputStaging, ObjectExistence } from '../use-cases/ports';

/** Adapter over `S3Client` for what the functions do with the data bucket. */
export class DataBucketObjects implements ObjectExistence, ConfigFiles, InputStaging {
  private readonly client: S3Client;

  constructor(options: { client?: S3Client; clientConfig?: S3ClientConfig } = {}) {
    this.client = options.client ?? new S3Client(options.clientConfig ?? {});
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async read(bucket: string, key: string): Promise<string | undefined> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await object.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async copy(source: { bucket: string; key: string; versionId?: string | undefined }, destination: { bucket: string; key: string }): Promise<void> {
    const sourceKey = source.key.split('/').map(encodeURIComponent).join('/');
    const versionSuffix = source.versionId ? `?versionId=${encodeURIComponent(source.versionId)}` : '';
    await this.client.send(
      new CopyObjectCommand({
        Bucket: destination.bucket,
        Key: destination.key,
        CopySource: `${source.bucket}/${sourceKey}${versionSuffix}`,
        // Tags are not needed on a staged copy, and copying them would need s3:GetObjectTagging
        // on the source and s3:PutObjectTagging on the copy: a tagged upload would be refused.
        TaggingDirective: 'REPLACE',
      }),
    );
  }

  /** Writes a small JSON document (a queued run's resolved start) into the staging area. */
  async write(destination: { bucket: string; key: string }, text: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: destination.bucket, Key: destination.key, Body: text, ContentType: 'application/json' }));
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && (error.name === 'NotFound' || error.name === 'NoSuchKey');
}
