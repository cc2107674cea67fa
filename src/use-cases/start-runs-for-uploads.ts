import type { Executions } from '../adapters/executions';
import { executionNameForS3Object } from '../domain/naming';
import { selectUploadedObjects, type IgnoredRecord, type UploadedObject, type UploadEvent, type UploadFilter } from '../domain/s3-event';

/** Checks that a key exists; only consulted when the event's key encoding is ambiguous. */
export interface ObjectExistence {
  exists(bucket: string, key: string): Promise<boolean>;
}

export interface UploadTriggerDependencies {
  executions: Executions;
  objects: ObjectExistence;
  filter: UploadFilter;
  log: {
    info(message: string, details: Record<string, unknown>): void;
  };
}

export interface UploadTriggerSummary {
  started: Array<{ key: string; executionName: string; executionArn: string }>;
  duplicates: Array<{ key: string; executionName: string }>;
  ignored: IgnoredRecord[];
}

/**
 * Turns one S3 notification into state machine executions, one per uploaded input file.
 *
 * Primary course: pick the object-created records under the input prefix, name each execution
 * after the object's identity, and start it.
 * Alternate course: S3 redelivered the event and the execution already exists; that is the same
 * run, so it is logged as a duplicate and nothing new starts. Any other StartExecution error is
 * thrown so Lambda's async retry delivers the event again; the names keep that retry safe.
 */
export async function startRunsForUploads(event: UploadEvent, deps: UploadTriggerDependencies): Promise<UploadTriggerSummary> {
  const selected = selectUploadedObjects(event, deps.filter);
  const ignored = [...selected.ignored];
  const objects: UploadedObject[] = [];
  for (const candidate of selected.objects) {
    const resolved = await resolveKey(candidate, deps.objects);
    if (resolved) objects.push(resolved);
    else ignored.push({ key: candidate.key, reason: 'object no longer exists under the key in the event (nor its decoded form)' });
  }
  for (const skipped of ignored) deps.log.info('Ignoring S3 record', { ...skipped });

  const summary: UploadTriggerSummary = { started: [], duplicates: [], ignored };
  for (const object of objects) {
    const executionName = executionNameForS3Object(object);
    const input = {
      inputPath: `s3://${object.bucket}/${object.key}`,
      source: {
        type: 's3',
        bucket: object.bucket,
        key: object.key,
        size: object.size,
        ...(object.eTag && { eTag: object.eTag }),
        ...(object.versionId && { versionId: object.versionId }),
        ...(object.sequencer && { sequencer: object.sequencer }),
        ...(object.eventTime && { eventTime: object.eventTime }),
      },
    };
    const result = await deps.executions.start({ name: executionName, input });
    if (result.started) {
      deps.log.info('Started run for upload', { key: object.key, executionName, executionArn: result.executionArn });
      summary.started.push({ key: object.key, executionName, executionArn: result.executionArn });
    } else {
      deps.log.info('Upload already has a run; not starting another', { key: object.key, executionName });
      summary.duplicates.push({ key: object.key, executionName });
    }
  }
  return summary;
}

async function resolveKey(object: UploadedObject, existence: ObjectExistence): Promise<UploadedObject | undefined> {
  if (object.alternativeKey === undefined) return object;
  const { alternativeKey, ...rest } = object;
  if (await existence.exists(object.bucket, object.key)) return rest;
  if (await existence.exists(object.bucket, alternativeKey)) return { ...rest, key: alternativeKey };
  return undefined;
}
