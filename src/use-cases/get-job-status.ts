import type { BatchJobs } from './ports';
import { nextAfterPoll, type NEXT_STEP } from '../domain/next-step';
import { nextPollState } from '../domain/polling-policy';
import type { RunState } from '../domain/run';
import { secondsSince } from '../domain/time';

/** The run after a status check, with the loop's decision. */
export type PolledRunState = RunState & { next: typeof NEXT_STEP.poll | typeof NEXT_STEP.verify | typeof NEXT_STEP.record };

export interface GetJobStatusDependencies {
  jobs: BatchJobs;
  now: () => number;
}

/**
 * One status check of the run's job.
 *
 * Primary course: describe the job, fold its status into the poll state, and let the polling
 * policy decide the next wait, or that the run has waited long enough. "Still running" is data
 * for the Choice state (`next: POLL`), never an exception; `next: VERIFY` (an `ACTIVE` job) or
 * `next: RECORD` (`CREATE FAILED`, or past the guard) ends the loop.
 */
export async function getJobStatus(state: RunState, deps: GetJobStatusDependencies): Promise<PolledRunState> {
  const job = await deps.jobs.describe(state.run.jobArn);
  const elapsedSeconds = secondsSince(state.run.jobCreatedAt, deps.now());
  const poll = nextPollState(state.run.polling, state.poll, { status: job.status, failureReason: job.failureReason }, elapsedSeconds);
  return { next: nextAfterPoll(poll), run: state.run, poll };
}
