import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger, withMiddleware } from '../../src/middleware/handler-kit';
import type { RunState } from '../../src/domain/run';
import { checkJob, type CheckJobDependencies } from '../../src/use-cases/check-job';

/** Payload the "Get job status" state sends: the run and the poll state so far. */
export type GetJobStatusEvent = RunState;

export function createGetJobStatusHandler(deps: CheckJobDependencies, logger: Logger = createLogger()) {
  return withMiddleware<GetJobStatusEvent, RunState>(logger, async (event) => {
    const state = await checkJob(event, deps);
    logger.info('Job status', { runId: state.run.runId, jobArn: state.run.jobArn, ...state.poll });
    return state;
  });
}
