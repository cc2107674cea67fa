import type { EventBridgeEvent, S3Event, S3EventRecord } from 'aws-lambda';

/**
 * S3's "Object Created" event on EventBridge, which is how an existing bucket (one this stack
 * cannot attach a notification to) reaches the trigger.
 */
export type S3ObjectCreatedEvent = EventBridgeEvent<
  'Object Created',
  {
    bucket: { name: string };
    object: { key: string; size?: number; etag?: string; 'version-id'?: string; sequencer?: string };
    reason?: string;
  }
>;

/** Everything the trigger accepts: an S3 notification (incl. `s3:TestEvent`) or an EventBridge event. */
export type UploadEvent = S3Event | S3ObjectCreatedEvent | { Event?: string; Records?: undefined };

/** An uploaded input file that should become one run. */
export interface UploadedObject {
  bucket: string;
  key: string;
  /**
   * Set when the event's key encoding is not known for certain (EventBridge): the form-decoded
   * spelling to try if `key` does not exist.
   */
  alternativeKey?: string | undefined;
  size: number;
  eTag?: string | undefined;
  versionId?: string | undefined;
  sequencer?: string | undefined;
  eventTime?: string | undefined;
}

export interface IgnoredRecord {
  key?: string | undefined;
  reason: string;
}

export interface UploadFilter {
  /** Only keys under this prefix start runs (e.g. `input/`). Empty means the whole bucket. */
  inputPrefix: string;
  /** Only keys ending in one of these start runs (e.g. `.jsonl`). Empty or unset means any. */
  inputSuffixes?: string[] | undefined;
}

/**
 * Why an object under `key` should not start a run, or undefined when it should. Both event
 * sources apply the same rules in the same order, so a record is ignored for the same reason
 * whichever way it arrived.
 */
function keyProblem(key: string, size: number | undefined, filter: UploadFilter): string | undefined {
  if (!key.startsWith(filter.inputPrefix)) return `key is outside the input prefix "${filter.inputPrefix}"`;
  if (key.endsWith('/')) return 'key is a folder marker';
  const suffixes = filter.inputSuffixes ?? [];
  if (suffixes.length > 0 && !suffixes.some((suffix) => key.endsWith(suffix))) {
    return `key does not end in an input suffix (${suffixes.join(', ')})`;
  }
  if (size === 0) return 'object is empty (0 bytes)';
  return undefined;
}

/**
 * S3 form-encodes keys in notifications: a space arrives as `+`, a literal `+` as `%2B`.
 * `decodeURIComponent` alone would leave `+` as `+` and corrupt keys with spaces.
 */
export function decodeS3EventKey(encodedKey: string): string {
  return decodeURIComponent(encodedKey.replace(/\+/g, ' '));
}

/**
 * Splits an S3 notification into the objects that should start runs and the records to ignore
 * (each with a reason worth one log line). Configuring a notification sends `s3:TestEvent`, which
 * has no `Records` at all.
 */
export function selectUploadedObjects(event: UploadEvent, filter: UploadFilter): { objects: UploadedObject[]; ignored: IgnoredRecord[] } {
  if (isObjectCreatedEvent(event)) return selectFromEventBridge(event, filter);
  if (!('Records' in event) || !Array.isArray(event.Records)) {
    const kind = 'Event' in event && event.Event ? event.Event : 'an event without Records';
    return { objects: [], ignored: [{ reason: `not an object notification (${kind})` }] };
  }
  const objects: UploadedObject[] = [];
  const ignored: IgnoredRecord[] = [];
  for (const record of event.Records) {
    const verdict = classifyRecord(record, filter);
    if ('reason' in verdict) ignored.push(verdict);
    else objects.push(verdict);
  }
  return { objects, ignored };
}

function classifyRecord(record: S3EventRecord, filter: UploadFilter): UploadedObject | IgnoredRecord {
  if (!record.eventName?.startsWith('ObjectCreated:')) {
    return { key: record.s3?.object?.key, reason: `event ${record.eventName} is not an object creation` };
  }
  let key: string;
  try {
    key = decodeS3EventKey(record.s3.object.key);
  } catch {
    return { key: record.s3.object.key, reason: 'key is not valid URL encoding' };
  }
  const problem = keyProblem(key, record.s3.object.size, filter);
  if (problem) return { key, reason: problem };
  return {
    bucket: record.s3.bucket.name,
    key,
    size: record.s3.object.size,
    eTag: record.s3.object.eTag,
    versionId: record.s3.object.versionId,
    sequencer: record.s3.object.sequencer,
    eventTime: record.eventTime,
  };
}

function isObjectCreatedEvent(event: UploadEvent): event is S3ObjectCreatedEvent {
  return 'detail-type' in event && event['detail-type'] === 'Object Created' && event.source === 'aws.s3';
}

/**
 * EventBridge's S3 events are documented with plain keys, but whether special characters arrive
 * encoded is not confirmed. The raw key is tried first; if it looks form-encoded, the decoded
 * spelling goes along as an alternative for the trigger to check against the bucket.
 */
function selectFromEventBridge(event: S3ObjectCreatedEvent, filter: UploadFilter): { objects: UploadedObject[]; ignored: IgnoredRecord[] } {
  const { bucket, object } = event.detail;
  const key = object.key;
  const problem = keyProblem(key, object.size, filter);
  if (problem) return { objects: [], ignored: [{ key, reason: problem }] };
  let decoded: string | undefined;
  try {
    decoded = decodeS3EventKey(key);
  } catch {
    decoded = undefined;
  }
  return {
    objects: [
      {
        bucket: bucket.name,
        key,
        alternativeKey: decoded !== undefined && decoded !== key ? decoded : undefined,
        size: object.size ?? 0,
        eTag: object.etag,
        versionId: object['version-id'],
        sequencer: object.sequencer,
        eventTime: event.time,
      },
    ],
    ignored: [],
  };
}
