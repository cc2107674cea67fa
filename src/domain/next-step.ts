import type { PollState } from './polling-policy';

/**
 * What the state machine does after a Task: the one field (`$.next`) its Choice states read, so the
 * decision lives here, in unit-tested code, and the ASL only routes on it.
 * - `WAIT_FOR_CAPACITY`: Personalize refused the start for its job quota; "Wait for capacity".
 * - `POLL`: the job is running; "Wait for next poll".
 * - `RECORD`: the job finished or the run's guard gave up; "Record run".
 */
export const NEXT_STEP = Object.freeze({
  waitForCapacity: 'WAIT_FOR_CAPACITY',
  poll: 'POLL',
  record: 'RECORD',
} as const);

export type NextStep = (typeof NEXT_STEP)[keyof typeof NEXT_STEP];

/** After a status check: keep polling unless the job finished or the guard timed the run out. */
export function nextAfterPoll(poll: Pick<PollState, 'terminal' | 'timedOut'>): typeof NEXT_STEP.poll | typeof NEXT_STEP.record {
  return poll.terminal || poll.timedOut ? NEXT_STEP.record : NEXT_STEP.poll;
}
