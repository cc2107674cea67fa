import type { S3Event } from 'aws-lambda';
import type { Executions } from '../adapters/executions';
import { executionNameForS3Object } from '../domain/naming';
import { selectUploadedObjects, type IgnoredRecord, type UploadFilter } from '../domain/s3-event';

export interface UploadTriggerDependencies {
  executions: Executions;
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
export async function startRunsForUploads(event: S3Event, deps: UploadTriggerDependencies): Promise<UploadTriggerSummary> {
  const { objects, ignored } = selectUploadedObjects(event, deps.filter);
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
