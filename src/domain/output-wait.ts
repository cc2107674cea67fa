import type { EventBridgeEvent, S3Event } from 'aws-lambda';
import { decodeS3EventKey } from './s3-event';
import { parseS3Uri } from './s3-uri';

/** Personalize names each output file `<input file name>.out`; only those wake a run. */
export const OUTPUT_FILE_SUFFIX = '.out';

/**
 * Where object-created events can be heard: the stack's data bucket (`DATA_BUCKET`) under its output
 * prefix (`OUTPUT_PREFIX`), which serverless.yml notifies `jobOutputCreated` of (suffix `.out`).
 */
export interface OutputEventScope {
  bucket: string;
  prefix: string;
}

/**
 * What a run waits for: a `.out` object under `folderKey` (the partition it registers in), the
 * exact `fileKey` for a file input, any `.out` directly in the folder for a folder input.
 */
export interface OutputWaitTarget {
  bucket: string;
  /** The output folder's key, ending in `/`: the output waits table's partition key. */
  folderKey: string;
  /** The one `.out` key that wakes the run (a file input); absent: any `.out` in the folder (a folder input). */
  fileKey?: string | undefined;
}

/**
 * What a run whose job writes to `outputLocation` (the run's `outputLocation`: `s3://…/<file>.out`
 * for a file input, the output folder for a folder input) can wait for, or undefined when no
 * event will tell: the output is in another bucket, or outside the output prefix.
 *
 * @example outputWaitTarget('s3://data/output/run-1/users.jsonl.out', { bucket: 'data', prefix: 'output/' })
 * // { bucket: 'data', folderKey: 'output/run-1/', fileKey: 'output/run-1/users.jsonl.out' }
 */
export function outputWaitTarget(outputLocation: string, scope: OutputEventScope): OutputWaitTarget | undefined {
  const location = parseS3Uri(outputLocation);
  if (!location || location.bucket !== scope.bucket || !location.key.startsWith(scope.prefix)) return undefined;
  if (location.key.endsWith('/')) return { bucket: location.bucket, folderKey: location.key };
  if (!location.key.endsWith(OUTPUT_FILE_SUFFIX)) return { bucket: location.bucket, folderKey: `${location.key}/` };
  return { bucket: location.bucket, folderKey: folderOf(location.key), fileKey: location.key };
}

/** The folder an object key is in, ending in `/` (`''` for a key at the bucket's root). */
export function folderOf(key: string): string {
  return key.slice(0, key.lastIndexOf('/') + 1);
}

/** Whether a created object `key` is the output the target waits for. */
export function wakesTarget(target: Pick<OutputWaitTarget, 'folderKey' | 'fileKey'>, key: string): boolean {
  if (target.fileKey !== undefined) return key === target.fileKey;
  return folderOf(key) === target.folderKey && key.endsWith(OUTPUT_FILE_SUFFIX);
}

/** One created object an event names. `keys`: the spellings to try (see {@link createdOutputObjects}). */
export interface CreatedObject {
  bucket: string;
  keys: string[];
}

/** S3's "Object Created" event on EventBridge (an existing bucket's way to tell). */
export type ObjectCreatedDetailEvent = EventBridgeEvent<'Object Created', { bucket: { name: string }; object: { key: string } }>;

/**
 * The `.out` objects created under the scope's prefix that an S3 notification (`Records`) or an
 * EventBridge "Object Created" event names; anything else is left out. S3 notifications form-encode
 * keys (decoded here); EventBridge's are documented plain, but whether special characters arrive
 * encoded is UNCONFIRMED, so both spellings are kept when they differ.
 */
export function createdOutputObjects(event: S3Event | ObjectCreatedDetailEvent | Record<string, unknown>, scope: OutputEventScope): CreatedObject[] {
  const found: CreatedObject[] = [];
  const keep = (bucket: string, keys: string[]) => {
    const unique = [...new Set(keys)].filter((key) => key.startsWith(scope.prefix) && key.endsWith(OUTPUT_FILE_SUFFIX));
    if (bucket === scope.bucket && unique.length > 0) found.push({ bucket, keys: unique });
  };
  const envelope = event as Record<string, unknown>;
  if (envelope['detail-type'] === 'Object Created' && envelope.source === 'aws.s3') {
    const { bucket, object } = (event as ObjectCreatedDetailEvent).detail;
    keep(bucket.name, [object.key, safeDecode(object.key) ?? object.key]);
    return found;
  }
  const records = (event as Partial<S3Event>).Records;
  if (!Array.isArray(records)) return found;
  for (const record of records) {
    if (!record?.eventName?.startsWith('ObjectCreated:')) continue;
    const decoded = safeDecode(record.s3.object.key);
    if (decoded !== undefined) keep(record.s3.bucket.name, [decoded]);
  }
  return found;
}

function safeDecode(key: string): string | undefined {
  try {
    return decodeS3EventKey(key);
  } catch {
    return undefined;
  }
}
