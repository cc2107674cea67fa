import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger, withMiddleware } from '../middleware/handler-kit';
import { waitForJobOutput, type OutputWaitDependencies, type WaitForJobOutputRequest, type WaitForJobOutputResult } from '../use-cases/job-output-waits';

/** Payload the "Wait for job output" state sends (`lambda:invoke.waitForTaskToken`). */
export type WaitForJobOutputEvent = WaitForJobOutputRequest;

/**
 * Registers the run's task token for its output. Its return value is not the Task's output: the
 * Task ends when the output's object-created event wakes it (SendTaskSuccess), or at its timeout
 * (the safety poll).
 */
export function createWaitForJobOutputHandler(deps: OutputWaitDependencies, logger: Logger = createLogger()) {
  return withMiddleware<WaitForJobOutputEvent, WaitForJobOutputResult>(logger, async (event) => {
    const result = await waitForJobOutput(event, deps);
    logger.info('Waiting for the job output', { runId: event.execution.name, outputLocation: event.outputLocation, safetyPollSeconds: event.waitSeconds, ...result });
    return result;
  });
}
