import { jobTypeOrDefault, type JobType } from '../domain/job-type';
import { releaseRun, type SlotQueues } from './job-slot-queue';
import type { BatchJobs } from './ports';
import { nextAfterPoll, type NEXT_STEP } from '../domain/next-step';
import { outputWaitTarget, type OutputEventScope } from '../domain/output-wait';
import { nextPollState } from '../domain/polling-policy';
import type { RunState } from '../domain/run';
import { secondsSince } from '../domain/time';

/** The run after a status check, with the loop's decision. */
export type PolledRunState = RunState & { next: typeof NEXT_STEP.poll | typeof NEXT_STEP.waitForOutput | typeof NEXT_STEP.verify | typeof NEXT_STEP.record };

export interface GetJobStatusDependencies {
  jobs: BatchJobs;
  now: () => number;
  /** The job slot queues: a job that ended frees its run's slot at once. */
  queues?: SlotQueues;
  warn?: (message: string, details: Record<string, unknown>) => void;
  /**
   * Where object-created events wake runs (the data bucket's output prefix). A run whose output
   * lands there waits for it ("Wait for job output") between sparse safety polls; absent: every
   * run polls.
   */
  outputEvents?: OutputEventScope | undefined;
}

/**
 * One status check of the run's job.
 *
 * Primary course: describe the job, fold its status into the poll state, and let the polling
 * policy decide the next wait, or that the run has waited long enough. "Still running" is data
 * for the Choice state (`next: POLL`), never an exception; `next: VERIFY` (an `ACTIVE` job) or
 * `next: RECORD` (`CREATE FAILED`, or past the guard) ends the loop. A running job whose output
 * lands in the data bucket's output prefix is waited for with `next: WAIT_FOR_OUTPUT` (its `.out`
 * object wakes the run); once a wake-up found the job still running, the run re-polls soon.
 */
export async function getJobStatus(state: RunState, deps: GetJobStatusDependencies): Promise<PolledRunState> {
  const job = await deps.jobs.describe(state.run.jobArn);
  const elapsedSeconds = secondsSince(state.run.jobCreatedAt, deps.now());
  const outputEvents = deps.outputEvents !== undefined && outputWaitTarget(state.run.outputLocation, deps.outputEvents) !== undefined;
  const poll = nextPollState(state.run.polling, state.poll, { status: job.status, failureReason: job.failureReason }, elapsedSeconds, { outputEvents });
  if (poll.terminal && deps.queues) await freeSlot(state.run.runId, deps.queues, jobTypeOrDefault(state.run.jobType), deps);
  return { next: nextAfterPoll(poll), run: state.run, poll };
}

/**
 * A job that ended (ACTIVE or CREATE FAILED) no longer counts against Personalize's quota, so its
 * run's slot goes to the next waiter now, not after verification and the record: every minute a
 * slot stays held after its job ended is a minute of the backlog. The closed-execution path frees it
 * again (idempotent), so a failed release here is logged, not a failed status check.
 */
async function freeSlot(runId: string, queues: SlotQueues, jobType: JobType, deps: GetJobStatusDependencies): Promise<void> {
  try {
    await releaseRun(runId, queues, jobType);
  } catch (error) {
    deps.warn?.('Could not free the job slot now; the closed-execution path frees it', { runId, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
}
