import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger, withMiddleware } from '../middleware/handler-kit';
import type { RecordRequest, RunRecord } from '../domain/run';
import { recordRun, type RecordRunDependencies } from '../use-cases/record-run';

/** Payload the "Record run" state sends: the execution, its input and the state the run ended in. */
export type RecordRunEvent = RecordRequest;

export function createRecordRunHandler(deps: RecordRunDependencies, logger: Logger = createLogger()) {
  return withMiddleware<RecordRunEvent, RunRecord>(logger, async (event) => {
    const record = await recordRun(event, deps);
    logger.info('Run recorded', { runId: record.runId, status: record.status, failureReason: record.failureReason });
    return record;
  });
}
