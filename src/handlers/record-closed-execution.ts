import type { Logger } from '@aws-lambda-powertools/logger';
import type { ExecutionStatusChangeEvent } from '../domain/closed-execution';
import { createLogger, withMiddleware } from '../middleware/handler-kit';
import { recordClosedExecution, type ClosedExecutionResult, type RecordClosedExecutionDependencies } from '../use-cases/record-closed-execution';

/** Invoked by EventBridge when an execution of the state machine closes unsuccessfully. */
export function createRecordClosedExecutionHandler(deps: RecordClosedExecutionDependencies, logger: Logger = createLogger()) {
  return withMiddleware<ExecutionStatusChangeEvent, ClosedExecutionResult>(logger, async (event) => {
    const result = await recordClosedExecution(event, deps);
    const { runId, status } = result;
    if (result.written) logger.warn('Recorded an execution that closed without recording its run', { runId, written: true, status, executionArn: event.detail.executionArn });
    return result;
  });
}
