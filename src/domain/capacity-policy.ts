/**
 * The admission queue for Personalize job slots. An account runs at most 5 batch inference jobs at
 * once per region (adjustable; `maxConcurrentJobs`); a CreateBatchInferenceJob beyond that answers
 * LimitExceededException. Rather than retrying on a timer, a run takes a slot with a conditional
 * write before it creates its job, and a run that finds none waits in a queue (a Step Functions
 * task token) until a slot is handed to it: first come, first served within a priority.
 *
 * Pure rules only; the slots and the queue live in DynamoDB (`src/adapters/job-slots-table.ts`).
 */

export interface CapacityPolicy {
  /** How long a run may wait for a free slot before it ends as a recorded failure. */
  maxQueueSeconds: number;
}

export const DEFAULT_CAPACITY_POLICY: Readonly<CapacityPolicy> = Object.freeze({
  maxQueueSeconds: 6 * 60 * 60,
});

export const MAX_QUEUE_SECONDS_LIMIT = 5 * 24 * 60 * 60;

/** Personalize's default quota of pending-or-in-progress batch inference jobs per region. */
export const DEFAULT_MAX_CONCURRENT_JOBS = 5;

/** A job group's `priority`: 0 (lowest) to 9 (highest); runs of a higher priority are served first. */
export const MIN_PRIORITY = 0;
export const MAX_PRIORITY = 9;
export const DEFAULT_PRIORITY = 5;

/**
 * The waiter's sort key in the queue: higher priority first, then the time the run first queued,
 * then the run id (ties). Read in ascending order, the queue is FIFO within a priority. `since` is
 * an ISO 8601 time from `toISOString()` (fixed width, so it sorts as text).
 */
export function waiterSortKey(priority: number, since: string, runId: string): string {
  return `${MAX_PRIORITY - priority}#${since}#${runId}`;
}

/**
 * Seconds a queued run may still wait ("Wait for a job slot"'s `TimeoutSecondsPath`): until
 * `since + maxQueueSeconds`, at least 1 (Step Functions refuses 0). 0 when the deadline has passed.
 */
export function remainingQueueSeconds(since: string, maxQueueSeconds: number, nowMs: number): number {
  const remainingMs = Date.parse(since) + maxQueueSeconds * 1000 - nowMs;
  if (remainingMs <= 0) return 0;
  return Math.max(1, Math.ceil(remainingMs / 1000));
}

/**
 * Free slots: the slot count less the runs holding a slot and the jobs Personalize is running for
 * someone else (pending or in progress, under a name no holder has: another stack, the console, or
 * a run of ours that ended while its job went on).
 */
export function freeSlots(maxConcurrentJobs: number, holderJobNames: readonly string[], activeJobNames: readonly string[]): number {
  const ours = new Set(holderJobNames);
  const outside = activeJobNames.filter((name) => !ours.has(name)).length;
  return maxConcurrentJobs - holderJobNames.length - outside;
}

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, ... */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  const suffix = ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** Why a run that never got a slot failed: where it stood in the queue, after how long. */
export function queueTimeoutReason(position: number, waitedSeconds: number, maxQueueSeconds: number): string {
  return (
    `Still ${ordinal(position)} in the queue for a Personalize job slot after ${waitedSeconds} s ` +
    `(maxQueueSeconds ${maxQueueSeconds}): the backlog ahead of this run is longer than it may wait`
  );
}
