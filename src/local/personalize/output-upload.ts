import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';

/** S3 refuses a part under 5 MiB unless it is the last one (`EntityTooSmall` at completion). */
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024;
/** Parts of 8 MiB: the SDK's `lib-storage` default order of magnitude, and well above S3's minimum. */
export const DEFAULT_OUTPUT_PART_BYTES = 8 * 1024 * 1024;
/** S3 numbers parts 1 to 10,000. */
const MAX_PARTS = 10_000;

/**
 * An S3 request of an `OutputUpload` failed; `cause` is the S3 client's error (e.g. `NoSuchBucket`).
 * One class for every step, so a caller tells write failures apart from its own without wrapping
 * each call.
 */
export class OutputUploadError extends Error {
  override readonly name = 'OutputUploadError';

  constructor(
    readonly bucket: string,
    readonly key: string,
    options: ErrorOptions,
  ) {
    super(`Unable to write output to s3://${bucket}/${key}`, options);
  }
}

/** Where an `OutputUpload` writes, and how large its parts are. */
export interface OutputUploadTarget {
  bucket: string;
  key: string;
  /** Bytes buffered before a part is sent. Parts are this size or a line longer, the last one smaller. */
  partSizeBytes: number;
  contentType?: string;
}

/**
 * One output object written as a multipart upload, text in, parts out. Memory holds at most the part
 * being filled plus the one being sent, whatever the object's size.
 *
 * Nothing is visible under the key until `complete()`: a job can write every output file, then
 * complete them all only once every input file has been read, and `abort()` them all when one fails,
 * so a failed job leaves no output, as with whole-object writes.
 *
 * S3 failures are raised as `OutputUploadError` by the call that sees them: a failed part upload
 * surfaces from the next `write`, `finish` or `complete`.
 *
 * @example
 * const upload = await OutputUpload.start(s3, { bucket, key: 'out/users.json.out', partSizeBytes: DEFAULT_OUTPUT_PART_BYTES });
 * for (const line of lines) await upload.write(line);
 * await upload.finish();
 * await upload.complete();
 */
export class OutputUpload {
  private pending: string[] = [];
  private pendingBytes = 0;
  private readonly parts: CompletedPart[] = [];
  private inFlight: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;
  private finished = false;

  private constructor(
    private readonly s3: S3Client,
    private readonly target: OutputUploadTarget,
    private readonly uploadId: string,
  ) {}

  /** Starts the multipart upload (CreateMultipartUpload). */
  static async start(s3: S3Client, target: OutputUploadTarget): Promise<OutputUpload> {
    if (!Number.isInteger(target.partSizeBytes) || target.partSizeBytes < 1) {
      throw new RangeError(`partSizeBytes must be a positive integer, got ${target.partSizeBytes}`);
    }
    const { UploadId } = await s3
      .send(new CreateMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, ContentType: target.contentType }))
      .catch((error: unknown) => {
        throw new OutputUploadError(target.bucket, target.key, { cause: error });
      });
    if (!UploadId) throw new OutputUploadError(target.bucket, target.key, { cause: new Error('CreateMultipartUpload returned no UploadId') });
    return new OutputUpload(s3, target, UploadId);
  }

  /** The object's key. */
  get key(): string {
    return this.target.key;
  }

  /** Parts sent or being sent so far. */
  get partCount(): number {
    return this.parts.length;
  }

  /** Appends text; once a part's worth is buffered, waits for the previous part and sends this one. */
  async write(text: string): Promise<void> {
    this.pending.push(text);
    this.pendingBytes += Buffer.byteLength(text, 'utf8');
    if (this.pendingBytes >= this.target.partSizeBytes) await this.sendPending();
  }

  /**
   * Sends what is buffered as the last part and waits for every part. An empty object still gets one
   * (empty) part: CompleteMultipartUpload needs at least one.
   */
  async finish(): Promise<void> {
    if (this.pendingBytes > 0 || this.parts.length === 0) await this.sendPending();
    await this.settleInFlight();
    this.finished = true;
  }

  /** Makes the object visible under its key (CompleteMultipartUpload). Call after `finish()`. */
  async complete(): Promise<void> {
    if (!this.finished) throw new Error(`complete() before finish() for s3://${this.target.bucket}/${this.target.key}`);
    await this.s3
      .send(
        new CompleteMultipartUploadCommand({
          Bucket: this.target.bucket,
          Key: this.target.key,
          UploadId: this.uploadId,
          MultipartUpload: { Parts: this.parts },
        }),
      )
      .catch((error: unknown) => {
        throw new OutputUploadError(this.target.bucket, this.target.key, { cause: error });
      });
  }

  /** Discards the parts (AbortMultipartUpload); the key is left as it was. Never rejects. */
  async abort(): Promise<void> {
    this.pending = [];
    await this.inFlight?.catch(() => undefined);
    await this.s3
      .send(new AbortMultipartUploadCommand({ Bucket: this.target.bucket, Key: this.target.key, UploadId: this.uploadId }))
      .catch(() => undefined);
  }

  private async sendPending(): Promise<void> {
    // One part in flight at a time: the next one fills while it is sent, and no more than that.
    await this.settleInFlight();
    if (this.parts.length >= MAX_PARTS) {
      const cause = new RangeError(`more than ${MAX_PARTS} parts of ${this.target.partSizeBytes} bytes would be needed`);
      throw new OutputUploadError(this.target.bucket, this.target.key, { cause });
    }
    const body = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingBytes = 0;
    const part: CompletedPart = { PartNumber: this.parts.length + 1 };
    this.parts.push(part);
    this.inFlight = this.s3
      .send(
        new UploadPartCommand({
          Bucket: this.target.bucket,
          Key: this.target.key,
          UploadId: this.uploadId,
          PartNumber: part.PartNumber,
          Body: body,
          ContentLength: body.length,
        }),
      )
      .then(
        ({ ETag }) => {
          part.ETag = ETag;
        },
        (error: unknown) => {
          // Kept, not thrown here: nobody awaits this promise until the next part or finish().
          this.failure = { error };
        },
      );
  }

  private async settleInFlight(): Promise<void> {
    await this.inFlight;
    this.inFlight = undefined;
    if (this.failure) throw new OutputUploadError(this.target.bucket, this.target.key, { cause: this.failure.error });
  }
}
