import { backoffSeconds, type Backoff } from './backoff';
import { durationAtZ, finishHazard, type ExpectedDuration } from './expected-duration';
import { jobPhase } from './job-status';

/**
 * How often to ask Personalize for the job's status, and when to give up.
 *
 * Batch jobs take minutes to hours (even a 3-user job takes ~23 minutes in AWS's samples), and
 * Personalize publishes no completion event, so a run polls. Where it pays to poll depends on what
 * the run knows:
 * - **No history** (cold): the first check comes at `firstPollSeconds` (10 minutes: well under the
 *   quickest public sample), then the checks back off from `firstWaitSeconds` to `maxIntervalSeconds`.
 * - **History** (`expected`, from the group's previous runs, see `expectedDurationFrom`): the first
 *   check comes at the low end of the group's durations, the checks tighten where the job is most
 *   likely to finish, and back off once it is later than the group has ever been (see
 *   {@link historyIntervalSeconds}).
 *
 * Either way the guards hold: `maxElapsedSeconds` (the run's `maxWaitSeconds`), `maxPolls`, and
 * through them Step Functions' 25,000-event history limit (~9 events per poll).
 */
export interface PollingPolicy extends Backoff {
  /** A run whose job is still not finished this long after it was created ends as TIMED_OUT. */
  maxElapsedSeconds: number;
  /** A run ends as TIMED_OUT after this many status checks, whatever the elapsed time. */
  maxPolls: number;
  /**
   * Seconds before the first check when there is no history; the checks after it back off from
   * `firstWaitSeconds`. Absent: the first check also waits `firstWaitSeconds` (a plain backoff).
   */
  firstPollSeconds?: number | undefined;
  /** The group's expected job duration, read once when the job starts; absent: no usable history. */
  expected?: ExpectedDuration | undefined;
}

export const DEFAULT_POLLING_POLICY: Readonly<PollingPolicy> = Object.freeze({
  firstPollSeconds: 600,
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

/** The first check from history comes at about the group's 2nd percentile duration (median × e^(−2σ)). */
export const HISTORY_FIRST_POLL_Z = -3;
/** From about the 2nd percentile (median × e^(−2σ)) the checks follow the hazard within `maxIntervalSeconds`. */
export const HISTORY_EARLY_Z = -2;
/** Past about the 98th percentile (median × e^(2σ)) the job is late: the checks back off. */
export const HISTORY_LATE_Z = 2;
/**
 * What one more check is worth, in seconds of detection lag. Minimising expected lag plus this
 * price per check gives an interval of √(2 × worth ÷ hazard): short where the job is likely to
 * finish in the next moments, long where it is not. Tuned with `npm run bench:polling`.
 */
export const POLL_WORTH_SECONDS = 10;
/** No two checks closer than this, however sure the history is (a Wait + Task + Choice pass costs ~1 s anyway). */
export const MIN_HISTORY_INTERVAL_SECONDS = 30;
/** Once late, each interval grows by this share of the time past the late mark (×1.5 lateness per check). */
export const LATE_BACKOFF_SHARE = 0.5;

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
  /**
   * Set (true) when the next wait is "Wait for job output": the run's output lands where an
   * object-created event can wake it, so `waitSeconds` is only the safety poll's timeout.
   * Absent: a plain "Wait for next poll".
   */
  awaitOutput?: true | undefined;
  /**
   * The object that woke the run, as "Wait for job output" puts it here (`ResultPath:
   * $.poll.outputSeen`) for the status check that follows; never carried past that check.
   */
  outputSeen?: { bucket?: string; key?: string } | undefined;
  /**
   * The status check that followed the wake-up by the run's output, when the job was still running
   * then: from here on the run re-polls (see {@link repollSeconds}) instead of waiting for output again.
   */
  wokenAtPoll?: number | undefined;
}

/**
 * Seconds to wait before status check number `pollNumber` (1-based), `elapsedSeconds` after the job
 * was created, never past the deadline (`maxElapsedSeconds`). Uses the history schedule when the
 * policy has `expected`, the cold schedule otherwise. Always a whole number ≥ 1 (Step Functions'
 * `SecondsPath` takes a non-negative integer).
 */
export function waitBeforePoll(policy: PollingPolicy, pollNumber: number, elapsedSeconds = 0): number {
  const interval = policy.expected ? historyIntervalSeconds(policy, policy.expected, pollNumber, elapsedSeconds) : coldIntervalSeconds(policy, pollNumber);
  const untilDeadline = policy.maxElapsedSeconds - elapsedSeconds;
  // Waiting at least a second keeps a run that reached its deadline from spinning without a pause.
  return Math.max(1, Math.round(Math.min(interval, untilDeadline)));
}

/** No history: `firstPollSeconds`, then the backoff from `firstWaitSeconds` (or the plain backoff without it). */
function coldIntervalSeconds(policy: PollingPolicy, pollNumber: number): number {
  if (policy.firstPollSeconds === undefined) return backoffSeconds(policy, pollNumber);
  return pollNumber <= 1 ? policy.firstPollSeconds : backoffSeconds(policy, pollNumber - 1);
}

/**
 * The schedule from the group's history, a function of the elapsed time only (the state carries
 * nothing more):
 * 1. The first check at median × e^(−2σ): before it, the group's jobs almost never finish.
 * 2. Until median × e^(2σ), an interval of √(2 × {@link POLL_WORTH_SECONDS} ÷ hazard(t)), within
 *    [{@link MIN_HISTORY_INTERVAL_SECONDS}, `maxIntervalSeconds`]: the intervals tighten as the
 *    expected finish nears, because the chance that the job finishes in the next moment rises.
 * 3. Later than that, the history no longer describes this job: the interval grows with the
 *    lateness ({@link LATE_BACKOFF_SHARE}) up to `maxIntervalSeconds`, so a job far slower than
 *    its group costs few checks.
 */
export function historyIntervalSeconds(policy: PollingPolicy, expected: ExpectedDuration, pollNumber: number, elapsedSeconds: number): number {
  const ceiling = Math.max(1, policy.maxIntervalSeconds);
  const floor = Math.min(MIN_HISTORY_INTERVAL_SECONDS, ceiling);
  const clamp = (seconds: number) => Math.min(ceiling, Math.max(floor, seconds));
  const hazardInterval = (seconds: number) => Math.sqrt((2 * POLL_WORTH_SECONDS) / finishHazard(expected, seconds));
  const early = durationAtZ(expected, HISTORY_EARLY_Z);
  if (pollNumber <= 1) return Math.max(1, durationAtZ(expected, HISTORY_FIRST_POLL_Z) - elapsedSeconds);
  // Before the group's usual earliest finish, a check pays less than the usual ceiling allows, yet
  // the next one never lands past that mark: a job faster than its group waits at most one such interval.
  if (elapsedSeconds < early) return Math.max(floor, Math.min(Math.max(ceiling, hazardInterval(elapsedSeconds)), early - elapsedSeconds));
  const late = durationAtZ(expected, HISTORY_LATE_Z);
  if (elapsedSeconds < late) return clamp(hazardInterval(elapsedSeconds));
  return clamp(Math.max(hazardInterval(late), LATE_BACKOFF_SHARE * (elapsedSeconds - late)));
}

/**
 * The safety poll when output events can wake the run ({@link safetyWaitSeconds}): the event is
 * what sees the job end, so checks are sparse. Each wait is at least what the policy would wait,
 * and at least `(growth − 1) ×` the time the job has run (the checks' times grow geometrically
 * by `growth`), at most `maxIntervalSeconds`. Tuned with `npm run bench:polling` so the benchmark
 * mix makes ≤ 4 Describe calls per job including the wake-up's.
 *
 * If the event never comes, a job that ends `T` seconds after its creation is still seen within
 * min(T × (growth − 1), `maxIntervalSeconds`) of its end (and never past `maxWaitSeconds`).
 */
export const OUTPUT_EVENT_SAFETY_POLL = Object.freeze({ growth: 2, maxIntervalSeconds: 3600 });

/**
 * After a wake-up that found the job still running (the output is written as the job turns
 * `ACTIVE`, in an order AWS does not document), the first re-check comes this soon, then the
 * interval doubles up to the policy's `maxIntervalSeconds`.
 */
export const REPOLL_FIRST_SECONDS = 15;

/**
 * The timeout of "Wait for job output" before status check number `pollNumber`, `elapsedSeconds`
 * after the job was created: the safety poll, for when the object-created event is lost or late
 * (see {@link OUTPUT_EVENT_SAFETY_POLL}). A whole number ≥ 1, never past `maxElapsedSeconds`.
 */
export function safetyWaitSeconds(policy: PollingPolicy, pollNumber: number, elapsedSeconds: number): number {
  const planned = waitBeforePoll(policy, pollNumber, elapsedSeconds);
  const geometric = Math.min(OUTPUT_EVENT_SAFETY_POLL.maxIntervalSeconds, (OUTPUT_EVENT_SAFETY_POLL.growth - 1) * elapsedSeconds);
  const untilDeadline = policy.maxElapsedSeconds - elapsedSeconds;
  return Math.max(1, Math.round(Math.min(Math.max(planned, geometric), untilDeadline)));
}

/**
 * Seconds before re-check number `sinceWake` (1-based) after a wake-up that found the job still
 * running: {@link REPOLL_FIRST_SECONDS}, doubling, at most `maxIntervalSeconds`, never past the deadline.
 */
export function repollSeconds(policy: PollingPolicy, sinceWake: number, elapsedSeconds: number): number {
  const interval = Math.min(Math.max(REPOLL_FIRST_SECONDS, policy.maxIntervalSeconds), REPOLL_FIRST_SECONDS * 2 ** Math.max(0, sinceWake - 1));
  return Math.max(1, Math.round(Math.min(interval, policy.maxElapsedSeconds - elapsedSeconds)));
}

/** The poll state right after the job was created. */
export function initialPollState(policy: PollingPolicy, options: { outputEvents?: boolean } = {}): PollState {
  return {
    count: 0,
    status: null,
    terminal: false,
    timedOut: false,
    failureReason: null,
    waitSeconds: waitBeforePoll(policy, 1),
    elapsedSeconds: 0,
    // The first wait listens for the output too: a job shorter than the first check is seen at its end.
    ...(options.outputEvents === true && { awaitOutput: true as const }),
  };
}

export interface JobObservation {
  status: string | undefined;
  failureReason?: string | undefined;
}

/**
 * Folds one status check into the poll state and decides what the state machine does next.
 *
 * With `outputEvents` (the run's output lands where an object-created event wakes it), a job still
 * running is waited for with "Wait for job output" (`awaitOutput`) and `waitSeconds` is the sparse
 * safety poll ({@link safetyWaitSeconds}). A check that follows a wake-up (`previous.outputSeen`)
 * and finds the job still running re-polls soon ({@link repollSeconds}), and so does every check
 * after it: the output is there, so no event is left to wait for.
 */
export function nextPollState(
  policy: PollingPolicy,
  previous: Pick<PollState, 'count'> & Partial<Pick<PollState, 'outputSeen' | 'wokenAtPoll'>>,
  observation: JobObservation,
  elapsedSeconds: number,
  options: { outputEvents?: boolean } = {},
): PollState {
  const count = previous.count + 1;
  const phase = jobPhase(observation.status);
  const terminal = phase !== 'RUNNING';
  const timedOut = !terminal && (elapsedSeconds >= policy.maxElapsedSeconds || count >= policy.maxPolls);
  const wokenAtPoll = previous.wokenAtPoll ?? (previous.outputSeen ? count : undefined);
  const waiting = !terminal && !timedOut;
  const awaitOutput = waiting && options.outputEvents === true && wokenAtPoll === undefined;
  let waitSeconds = 0;
  if (waiting) {
    if (wokenAtPoll !== undefined) waitSeconds = repollSeconds(policy, count - wokenAtPoll + 1, elapsedSeconds);
    else if (awaitOutput) waitSeconds = safetyWaitSeconds(policy, count + 1, elapsedSeconds);
    else waitSeconds = waitBeforePoll(policy, count + 1, elapsedSeconds);
  }
  return {
    count,
    status: observation.status ?? null,
    terminal,
    timedOut,
    failureReason: phase === 'FAILED' ? (observation.failureReason ?? 'Personalize gave no failure reason') : null,
    waitSeconds,
    elapsedSeconds,
    ...(awaitOutput && { awaitOutput: true as const }),
    ...(wokenAtPoll !== undefined && { wokenAtPoll }),
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
