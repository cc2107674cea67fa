import { durationAtZ, expectedDurationFrom, type ExpectedDuration } from '../../src/domain/expected-duration';
import {
  DEFAULT_POLLING_POLICY,
  HISTORY_EARLY_Z,
  HISTORY_FIRST_POLL_Z,
  initialPollState,
  MAX_ELAPSED_SECONDS_LIMIT,
  MAX_POLLS_LIMIT,
  MIN_HISTORY_INTERVAL_SECONDS,
  nextPollState,
  waitBeforePoll,
  type PollingPolicy,
} from '../../src/domain/polling-policy';

const EVENTS_PER_POLL = 9;
const HISTORY_EVENT_LIMIT = 25_000;

/** Drives the policy as the state machine does against a job that finishes `durationSeconds` after creation. */
function detect(policy: PollingPolicy, durationSeconds: number) {
  let state = initialPollState(policy);
  let elapsed = 0;
  const checks: number[] = [];
  for (;;) {
    elapsed += state.waitSeconds;
    checks.push(elapsed);
    state = nextPollState(policy, state, { status: elapsed >= durationSeconds ? 'ACTIVE' : 'CREATE IN_PROGRESS' }, elapsed);
    if (state.terminal || state.timedOut) return { polls: state.count, lagSeconds: elapsed - durationSeconds, timedOut: state.timedOut, checks };
  }
}

const group = (...seconds: number[]): ExpectedDuration => expectedDurationFrom(seconds.map((elapsedSeconds) => ({ jobStatus: 'ACTIVE', elapsedSeconds }))) as ExpectedDuration;
const withHistory = (expected: ExpectedDuration, overrides: Partial<PollingPolicy> = {}): PollingPolicy => ({ ...DEFAULT_POLLING_POLICY, ...overrides, expected });

describe('polling with no history', () => {
  it('makes its first check at 10 minutes, under the quickest public sample (~23 minutes for 3 users)', () => {
    expect(initialPollState(DEFAULT_POLLING_POLICY).waitSeconds).toBe(600);
    expect(detect(DEFAULT_POLLING_POLICY, 23 * 60)).toMatchObject({ polls: 6, timedOut: false });
  });
});

describe('polling with history', () => {
  it('makes no check before the group’s jobs could finish', () => {
    const expected = group(1380, 1420, 1350, 1400);
    const first = waitBeforePoll(withHistory(expected), 1);
    expect(first).toBe(Math.round(durationAtZ(expected, HISTORY_FIRST_POLL_Z)));
    expect(first).toBeGreaterThan(DEFAULT_POLLING_POLICY.firstPollSeconds ?? 0);
    expect(first).toBeLessThan(1350);
  });

  it('finds a short job of a regular group with fewer checks and less lag than with no history', () => {
    const policy = withHistory(group(1380, 1420, 1350, 1400, 1390));
    for (const duration of [1300, 1380, 1450]) {
      const cold = detect(DEFAULT_POLLING_POLICY, duration);
      const warm = detect(policy, duration);
      expect(warm.polls).toBeLessThanOrEqual(cold.polls);
      expect(warm.lagSeconds).toBeLessThanOrEqual(90);
    }
  });

  it('finds a long job with under half the cold checks, within one maximum interval', () => {
    const policy = withHistory(group(4 * 3600, 4.2 * 3600, 3.9 * 3600));
    const cold = detect(DEFAULT_POLLING_POLICY, 4.1 * 3600);
    const warm = detect(policy, 4.1 * 3600);
    expect(warm.polls).toBeLessThan(cold.polls / 2);
    expect(warm.lagSeconds).toBeLessThanOrEqual(DEFAULT_POLLING_POLICY.maxIntervalSeconds);
  });

  it('tightens the checks towards the expected finish and backs off once the job is later than the group has been', () => {
    const expected = group(3600, 3700, 3500);
    const policy = withHistory(expected);
    const { checks } = detect(policy, 10 * 3600);
    const gaps = checks.slice(1).map((at, index) => ({ at: checks[index] ?? 0, gap: at - (checks[index] ?? 0) }));
    const gapNear = (seconds: number) => gaps.find(({ at }) => at >= seconds)?.gap ?? Number.NaN;
    expect(gapNear(3000)).toBeGreaterThan(gapNear(3600));
    expect(gapNear(2 * 3600)).toBeGreaterThan(gapNear(3600));
    expect(Math.min(...gaps.map(({ gap }) => gap))).toBeGreaterThanOrEqual(MIN_HISTORY_INTERVAL_SECONDS);
    // Once the job could finish, maxIntervalSeconds bounds every interval (before, a check pays less).
    const early = durationAtZ(expected, HISTORY_EARLY_Z);
    expect(Math.max(...gaps.filter(({ at }) => at >= early).map(({ gap }) => gap))).toBeLessThanOrEqual(DEFAULT_POLLING_POLICY.maxIntervalSeconds);
    // Twice the group's median: backed off to the ceiling, like the cold policy.
    expect(gapNear(2 * 3600)).toBe(DEFAULT_POLLING_POLICY.maxIntervalSeconds);
  });

  it('widens the window for a high-variance group, and never lets a fast job wait past the usual earliest finish by more than one interval', () => {
    const steady = group(3600, 3650, 3550, 3600);
    const erratic = group(1800, 7200, 3600, 5400);
    expect(erratic.logSigma).toBeGreaterThan(2 * steady.logSigma);
    const policy = withHistory(erratic);
    const early = durationAtZ(erratic, HISTORY_EARLY_Z);
    // A job far faster than any before it: found at the usual earliest-finish mark at the latest.
    const fast = detect(policy, 600);
    expect(fast.checks[fast.checks.length - 1]).toBeLessThanOrEqual(Math.round(early) + 1);
  });
});

describe('guards with history', () => {
  it('never schedules a check past maxWaitSeconds', () => {
    const policy = withHistory(group(7200), { maxElapsedSeconds: 3600 });
    const run = detect(policy, 5 * 3600);
    expect(run.timedOut).toBe(true);
    expect(Math.max(...run.checks)).toBe(3600);
  });

  it('stops at maxPolls', () => {
    const run = detect(withHistory(group(600), { maxPolls: 5 }), 10 * 3600);
    expect(run).toMatchObject({ timedOut: true, polls: 5 });
  });

  it.each([60, 1380, 4 * 3600, 2 * 86_400, 5 * 86_400])('stays under the 25,000-event history limit for the tightest group with a %i s median', (median) => {
    const tightest = { runs: 20, medianSeconds: median, logSigma: 0.05 };
    const policy = withHistory(tightest, { maxElapsedSeconds: MAX_ELAPSED_SECONDS_LIMIT, maxPolls: MAX_POLLS_LIMIT });
    const run = detect(policy, Number.POSITIVE_INFINITY);
    expect(run.timedOut).toBe(true);
    expect(Math.max(...run.checks)).toBe(MAX_ELAPSED_SECONDS_LIMIT);
    expect(run.polls * EVENTS_PER_POLL).toBeLessThan(HISTORY_EVENT_LIMIT);
  });
});
