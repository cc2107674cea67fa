import { backoffSeconds, type Backoff } from './backoff';
import { jobPhase } from './job-status';

/**
 * How often to ask Personalize for the job's status, and when to give up.
 *
 * Batch jobs take minutes to hours (AWS samples poll for 3 to 5 hours). Polling starts at
 * `firstWaitSeconds` and backs off to `maxIntervalSeconds`, which keeps a long job cheap in state
 * transitions and far from Step Functions' 25,000-event history limit (~9 events per poll).
 */
export interface PollingPolicy extends Backoff {
  /** A run whose job is still not finished this long after it was created ends as TIMED_OUT. */
  maxElapsedSeconds: number;
  /** A run ends as TIMED_OUT after this many status checks, whatever the elapsed time. */
  maxPolls: number;
}

export const DEFAULT_POLLING_POLICY: Readonly<PollingPolicy> = Object.freeze({
  firstWaitSeconds: 60,
  backoffRate: 1.5,
  maxIntervalSeconds: 300,
  maxElapsedSeconds: 24 * 60 * 60,
  maxPolls: 2000,
});

/**
 * 2,500 polls at ~9 history events each stays under the 25,000-event hard limit with room for the
 * start, retries and the recording steps.
 */
export const MAX_POLLS_LIMIT = 2500;
/** Leaves a day of margin under the state machine's 7-day `TimeoutSeconds` backstop. */
export const MAX_ELAPSED_SECONDS_LIMIT = 6 * 24 * 60 * 60;

/** What the state machine carries between polls; the Choice state reads `terminal`/`timedOut`/`status`. */
export interface PollState {
  /** Status checks done so far. */
  count: number;
  /** Last status Personalize reported; null before the first check. */
  status: string | null;
  terminal: boolean;
  timedOut: boolean;
  failureReason: string | null;
  /** Seconds the "Wait for next poll" state waits before the next check. */
  waitSeconds: number;
  /** Seconds since the job was created, at the last check. */
  elapsedSeconds: number;
}

/** Seconds to wait before status check number `pollNumber` (1-based), never past the deadline. */
export function waitBeforePoll(policy: PollingPolicy, pollNumber: number, elapsedSeconds = 0): number {
  const interval = backoffSeconds(policy, pollNumber);
  const untilDeadline = policy.maxElapsedSeconds - elapsedSeconds;
  // Step Functions' SecondsPath needs a non-negative integer; waiting at least a second keeps a
  // run that reached its deadline from spinning without a pause.
  return Math.max(1, Math.round(Math.min(interval, untilDeadline)));
}

/** The poll state right after the job was created. */
export function initialPollState(policy: PollingPolicy): PollState {
  return {
    count: 0,
    status: null,
    terminal: false,
    timedOut: false,
    failureReason: null,
    waitSeconds: waitBeforePoll(policy, 1),
    elapsedSeconds: 0,
  };
}

export interface JobObservation {
  status: string | undefined;
  failureReason?: string | undefined;
}

/** Folds one status check into the poll state and decides what the state machine does next. */
export function nextPollState(
  policy: PollingPolicy,
  previous: Pick<PollState, 'count'>,
  observation: JobObservation,
  elapsedSeconds: number,
): PollState {
  const count = previous.count + 1;
  const phase = jobPhase(observation.status);
  const terminal = phase !== 'RUNNING';
  const timedOut = !terminal && (elapsedSeconds >= policy.maxElapsedSeconds || count >= policy.maxPolls);
  return {
    count,
    status: observation.status ?? null,
    terminal,
    timedOut,
    failureReason: phase === 'FAILED' ? (observation.failureReason ?? 'Personalize gave no failure reason') : null,
    waitSeconds: terminal || timedOut ? 0 : waitBeforePoll(policy, count + 1, elapsedSeconds),
    elapsedSeconds,
  };
}

/** The reason recorded for a run that hit its guard. */
export function timeoutReason(policy: PollingPolicy, poll: Pick<PollState, 'count' | 'elapsedSeconds' | 'status'>): string {
  const byElapsed = poll.elapsedSeconds >= policy.maxElapsedSeconds;
  const limit = byElapsed
    ? `maxWaitSeconds (${policy.maxElapsedSeconds}s) reached after ${poll.elapsedSeconds}s`
    : `maxPolls (${policy.maxPolls}) reached after ${poll.elapsedSeconds}s`;
  return `Job still ${poll.status ?? 'unknown'} after ${poll.count} status checks: ${limit}`;
}
