import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger, withMiddleware } from '../../src/middleware/handler-kit';
import { startRun, type StartRunDependencies, type StartRunRequest, type StartRunResult } from '../../src/use-cases/start-run';

/** Payload the "Start batch inference job" state sends. */
export type StartJobEvent = StartRunRequest;

export function createStartJobHandler(deps: StartRunDependencies, logger: Logger = createLogger()) {
  const warn = (message: string, details: Record<string, unknown>) => logger.warn(message, details);
  return withMiddleware<StartJobEvent, StartRunResult>(logger, async (event) => {
    const result = await startRun(event, { warn, ...deps });
    if ('capacity' in result) {
      logger.info('Personalize is at its job quota; waiting for capacity', { runId: event.execution.name, ...result.capacity });
    } else {
      logger.info('Batch inference job started', {
        runId: result.run.runId,
        jobArn: result.run.jobArn,
        adoptedExistingJob: result.run.adoptedExistingJob,
      });
    }
    return result;
  });
}
