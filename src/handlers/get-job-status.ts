import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger, withMiddleware } from '../middleware/handler-kit';
import type { RunState } from '../domain/run';
import { getJobStatus, type GetJobStatusDependencies, type PolledRunState } from '../use-cases/get-job-status';

/** Payload the "Get job status" state sends: the run and the poll state so far. */
export type GetJobStatusEvent = RunState;

export function createGetJobStatusHandler(deps: GetJobStatusDependencies, logger: Logger = createLogger()) {
  return withMiddleware<GetJobStatusEvent, PolledRunState>(logger, async (event) => {
    const state = await getJobStatus(event, deps);
    logger.info('Job status', { runId: state.run.runId, jobArn: state.run.jobArn, next: state.next, ...state.poll });
    return state;
  });
}
