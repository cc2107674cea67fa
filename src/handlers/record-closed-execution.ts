import type { Logger } from '@aws-lambda-powertools/logger';
import type { ExecutionStatusChangeEvent } from '../domain/closed-execution';
import { createLogger, withMiddleware } from '../middleware/handler-kit';
import { recordClosedExecution, type ClosedExecutionResult, type RecordClosedExecutionDependencies } from '../use-cases/record-closed-execution';

/** Invoked by EventBridge whenever an execution of the state machine closes (SUCCEEDED, FAILED, TIMED_OUT, ABORTED). */
export function createRecordClosedExecutionHandler(deps: RecordClosedExecutionDependencies, logger: Logger = createLogger()) {
  return withMiddleware<ExecutionStatusChangeEvent, ClosedExecutionResult>(logger, async (event) => {
    const result = await recordClosedExecution(event, deps);
    const { runId, status } = result;
    if (result.written) logger.warn('Recorded an execution that closed without recording its run', { runId, written: true, status, executionArn: event.detail.executionArn });
    logger.info('Run event published', { runId, detailType: result.published });
    return result;
  });
}
