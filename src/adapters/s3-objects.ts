import { HeadObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { ObjectExistence } from '../use-cases/start-runs-for-uploads';

/** Adapter over `S3Client` for the trigger's existence checks. */
export class S3ObjectExistence implements ObjectExistence {
  private readonly client: S3Client;

  constructor(options: { client?: S3Client; clientConfig?: S3ClientConfig } = {}) {
    this.client = options.client ?? new S3Client(options.clientConfig ?? {});
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      if (error instanceof Error && (error.name === 'NotFound' || error.name === 'NoSuchKey')) return false;
      throw error;
    }
  }
}
