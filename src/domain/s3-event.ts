import type { S3Event, S3EventRecord } from 'aws-lambda';

/** An uploaded input file that should become one run. */
export interface UploadedObject {
  bucket: string;
  key: string;
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
export function selectUploadedObjects(
  event: S3Event | { Event?: string; Records?: undefined },
  filter: UploadFilter,
): { objects: UploadedObject[]; ignored: IgnoredRecord[] } {
  if (!Array.isArray(event.Records)) {
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
  if (!key.startsWith(filter.inputPrefix)) {
    return { key, reason: `key is outside the input prefix "${filter.inputPrefix}"` };
  }
  if (key.endsWith('/')) return { key, reason: 'key is a folder marker' };
  if (record.s3.object.size === 0) return { key, reason: 'object is empty (0 bytes)' };
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
