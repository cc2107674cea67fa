import { backoffSeconds } from '../src/domain/backoff';
import { secondsSince } from '../src/domain/time';

/*
 * The capacity wait the product used before the admission queue (kept here, not in src/, as the
 * benchmark's "before" row): a run refused with LimitExceededException retried
 * CreateBatchInferenceJob after a growing wait, half fixed and half random ("equal jitter"), until
 * a slot freed up or maxQueueSeconds ran out.
 */

/** The old defaults: 60 s first wait, ×1.5 per refusal, at most 600 s, 6 h in all. */
export const PREVIOUS_CAPACITY_POLICY = Object.freeze({ firstWaitSeconds: 60, backoffRate: 1.5, maxIntervalSeconds: 600, maxQueueSeconds: 6 * 60 * 60 });

/** Where a refused run stood: the time of its first refusal and the refusals so far. */
export interface CapacityState {
  since: string;
  attempts: number;
  waitSeconds: number;
  lastRefusal: string;
}

/** Folds one more refusal into the state and decides whether to wait again or give up. */
export function onCapacityRefused(
  policy: typeof PREVIOUS_CAPACITY_POLICY,
  previous: Pick<CapacityState, 'since' | 'attempts'> | undefined,
  refusal: string,
  nowMs: number,
  random: () => number,
): { wait: CapacityState } | { giveUp: string } {
  const since = previous?.since ?? new Date(nowMs).toISOString();
  const attempts = (previous?.attempts ?? 0) + 1;
  const interval = backoffSeconds(policy, attempts);
  const waitSeconds = Math.max(1, Math.round(interval / 2 + random() * (interval / 2)));
  if (secondsSince(since, nowMs) + waitSeconds > policy.maxQueueSeconds) return { giveUp: `gave up after ${attempts} attempts: ${refusal}` };
  return { wait: { since, attempts, waitSeconds, lastRefusal: refusal } };
}
