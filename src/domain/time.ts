/**
 * Whole seconds from an ISO 8601 time to `nowMs` (epoch milliseconds), rounded down and never
 * negative: a clock that runs a little behind the recorded time (another host, a retried Lambda)
 * must not produce a negative age.
 *
 * @example secondsSince('2026-01-15T10:00:00.000Z', Date.parse('2026-01-15T10:01:30.500Z')) // 90
 */
export function secondsSince(isoTime: string, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - Date.parse(isoTime)) / 1000));
}
