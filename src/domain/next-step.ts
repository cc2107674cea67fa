import { jobPhase } from './job-status';
import type { PollState } from './polling-policy';

/**
 * What the state machine does after a Task: the one field (`$.next`) its Choice states read, so the
 * decision lives here, in unit-tested code, and the ASL only routes on it.
 * - `WAIT_FOR_CAPACITY`: Personalize refused the start for its job quota; "Wait for capacity".
 * - `POLL`: the job is running; "Wait for next poll".
 * - `WAIT_FOR_OUTPUT`: the job is running and its output lands where an object-created event wakes
 *   the run; "Wait for job output" (a task-token wait whose timeout is the safety poll).
 * - `VERIFY`: the job is `ACTIVE`; "Verify output" reads what it wrote before the run is recorded.
 * - `RECORD`: the job failed, the run's guard gave up, or the output was verified; "Record run".
 */
export const NEXT_STEP = Object.freeze({
  waitForCapacity: 'WAIT_FOR_CAPACITY',
  poll: 'POLL',
  waitForOutput: 'WAIT_FOR_OUTPUT',
  verify: 'VERIFY',
  record: 'RECORD',
} as const);

export type NextStep = (typeof NEXT_STEP)[keyof typeof NEXT_STEP];

/**
 * After a status check: keep polling (or wait for the output, when the poll state says
 * `awaitOutput`) while the job runs; verify the output of a job that ended
 * `ACTIVE` (ACTIVE alone says nothing about the records); record anything else (`CREATE FAILED`,
 * or the guard timed the run out).
 */
export function nextAfterPoll(
  poll: Pick<PollState, 'terminal' | 'timedOut'> & Partial<Pick<PollState, 'awaitOutput'>> & { status?: string | null | undefined },
): typeof NEXT_STEP.poll | typeof NEXT_STEP.waitForOutput | typeof NEXT_STEP.verify | typeof NEXT_STEP.record {
  if (poll.timedOut) return NEXT_STEP.record;
  if (!poll.terminal) return poll.awaitOutput ? NEXT_STEP.waitForOutput : NEXT_STEP.poll;
  return jobPhase(poll.status ?? undefined) === 'SUCCEEDED' ? NEXT_STEP.verify : NEXT_STEP.record;
}
