import type { BatchJobs } from './ports';
import { nextPollState } from '../domain/polling-policy';
import type { RunState } from '../domain/run';
import { secondsSince } from '../domain/time';

export interface GetJobStatusDependencies {
  jobs: BatchJobs;
  now: () => number;
}

/**
 * One status check of the run's job.
 *
 * Primary course: describe the job, fold its status into the poll state, and let the polling
 * policy decide the next wait, or that the run has waited long enough. "Still running" is data
 * for the Choice state, never an exception.
 */
export async function getJobStatus(state: RunState, deps: GetJobStatusDependencies): Promise<RunState> {
  const job = await deps.jobs.describe(state.run.jobArn);
  const elapsedSeconds = secondsSince(state.run.jobCreatedAt, deps.now());
  return {
    run: state.run,
    poll: nextPollState(state.run.polling, state.poll, { status: job.status, failureReason: job.failureReason }, elapsedSeconds),
  };
}
