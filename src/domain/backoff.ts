/** An exponential backoff in seconds, as the polling and capacity policies configure it. */
export interface Backoff {
  /** The first interval. */
  firstWaitSeconds: number;
  /** Each following interval is the previous one times this rate... */
  backoffRate: number;
  /** ...up to this interval. */
  maxIntervalSeconds: number;
}

/**
 * The interval in seconds before try number `attempt` (1-based): `firstWaitSeconds ×
 * backoffRate^(attempt − 1)`, capped at `maxIntervalSeconds`. Not rounded: callers add jitter or
 * clip to a deadline first. Attempts below 1 count as the first.
 *
 * @example backoffSeconds({ firstWaitSeconds: 60, backoffRate: 2, maxIntervalSeconds: 600 }, 3) // 240
 */
export function backoffSeconds(backoff: Backoff, attempt: number): number {
  return Math.min(backoff.maxIntervalSeconds, backoff.firstWaitSeconds * backoff.backoffRate ** Math.max(0, attempt - 1));
}
