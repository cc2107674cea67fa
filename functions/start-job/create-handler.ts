import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger, withMiddleware } from '../../src/middleware/handler-kit';
import type { RunState } from '../../src/domain/run';
import { startRun, type StartRunDependencies, type StartRunRequest } from '../../src/use-cases/start-run';

/** Payload the "Start batch inference job" state sends. */
export type StartJobEvent = StartRunRequest;

export function createStartJobHandler(deps: StartRunDependencies, logger: Logger = createLogger()) {
  return withMiddleware<StartJobEvent, RunState>(logger, async (event) => {
    const state = await startRun(event, deps);
    logger.info('Batch inference job started', {
      runId: state.run.runId,
      jobArn: state.run.jobArn,
      adoptedExistingJob: state.run.adoptedExistingJob,
    });
    return state;
  });
}
