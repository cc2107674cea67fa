import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger, withMiddleware } from '../../src/middleware/handler-kit';
import type { RecordRequest, RunRecord } from '../../src/domain/run';
import { recordRun, type RecordRunDependencies } from '../../src/use-cases/record-run';

/** Payload the "Record … run" states send: the outcome, the execution, and the final state. */
export type RecordResultEvent = RecordRequest;

export function createRecordResultHandler(deps: RecordRunDependencies, logger: Logger = createLogger()) {
  return withMiddleware<RecordResultEvent, RunRecord>(logger, async (event) => {
    const record = await recordRun(event, deps);
    logger.info('Run recorded', { runId: record.runId, status: record.status, failureReason: record.failureReason });
    return record;
  });
}
