import { backoffSeconds, type Backoff } from './backoff';
import { secondsSince } from './time';

/**
 * Waiting for Personalize capacity. An account runs at most 5 batch inference jobs at once per
 * region (adjustable); the next CreateBatchInferenceJob answers LimitExceededException. A run then
 * queues: it retries with growing, jittered waits until a slot frees up or `maxQueueSeconds` runs out.
 */
export interface CapacityPolicy extends Backoff {
  /** How long a run may wait for a free slot before it ends as a recorded failure. */
  maxQueueSeconds: number;
}

export const DEFAULT_CAPACITY_POLICY: Readonly<CapacityPolicy> = Object.freeze({
  firstWaitSeconds: 60,
  backoffRate: 1.5,
  maxIntervalSeconds: 600,
  maxQueueSeconds: 6 * 60 * 60,
});

export const MAX_QUEUE_SECONDS_LIMIT = 5 * 24 * 60 * 60;

/** Where a run stands in the queue for a slot; the start step carries it in its queued state. */
export interface CapacityState {
  /** ISO time of the first refusal. */
  since: string;
  /** CreateBatchInferenceJob calls refused so far. */
  attempts: number;
  /** Seconds the "Wait for capacity" state waits before the next attempt. */
  waitSeconds: number;
  lastRefusal: string;
}

/**
 * The wait before attempt `attempts + 1`. Half the backed-off interval is fixed and half is random
 * ("equal jitter"): runs that were refused together spread out instead of retrying in lockstep, yet
 * none retries almost at once.
 */
export function capacityWaitSeconds(policy: CapacityPolicy, attempts: number, random: () => number): number {
  const interval = backoffSeconds(policy, attempts);
  return Math.max(1, Math.round(interval / 2 + random() * (interval / 2)));
}

export type CapacityDecision = { wait: CapacityState } | { giveUp: string };

/** Folds one more refusal into the queue state and decides whether to wait again or give up. */
export function onCapacityRefused(
  policy: CapacityPolicy,
  previous: Pick<CapacityState, 'since' | 'attempts'> | undefined,
  refusal: string,
  nowMs: number,
  random: () => number,
): CapacityDecision {
  const since = previous?.since ?? new Date(nowMs).toISOString();
  const attempts = (previous?.attempts ?? 0) + 1;
  const queuedSeconds = secondsSince(since, nowMs);
  const waitSeconds = capacityWaitSeconds(policy, attempts, random);
  if (queuedSeconds + waitSeconds > policy.maxQueueSeconds) {
    return {
      giveUp:
        `Personalize stayed at its limit of concurrent batch inference jobs: ${attempts} attempts over ${queuedSeconds}s ` +
        `did not get a slot within maxQueueSeconds (${policy.maxQueueSeconds}s). Last refusal: ${refusal}`,
    };
  }
  return { wait: { since, attempts, waitSeconds, lastRefusal: refusal } };
}
