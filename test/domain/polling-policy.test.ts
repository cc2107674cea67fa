import {
  DEFAULT_POLLING_POLICY,
  initialPollState,
  MAX_POLLS_LIMIT,
  nextPollState,
  timeoutReason,
  waitBeforePoll,
  type PollingPolicy,
  type PollState,
} from '../../src/domain/polling-policy';
import { policy } from '../support/sample-run';

/** A policy without the cold first check: a plain backoff from firstWaitSeconds, as before history. */
function plainBackoff(overrides: Partial<PollingPolicy>): PollingPolicy {
  return policy({ firstPollSeconds: undefined, ...overrides });
}

/** Step Functions' hard limit on a Standard execution's history, and the events one Wait + Task + Choice pass costs. */
const HISTORY_EVENT_LIMIT = 25_000;
const EVENTS_PER_POLL = 9;

/** Drives the policy the way the state machine does: wait, check, repeat until terminal or timed out. */
function pollUntilGuard(pollingPolicy: PollingPolicy): PollState {
  let state = initialPollState(pollingPolicy);
  let elapsed = 0;
  while (!state.terminal && !state.timedOut) {
    elapsed += state.waitSeconds;
    state = nextPollState(pollingPolicy, state, { status: 'IN PROGRESS' }, elapsed);
    if (state.count > 100_000) throw new Error('polling never stopped');
  }
  return state;
}

describe('waitBeforePoll', () => {
  it('waits firstWaitSeconds before the first check', () => {
    // Act & Assess
    expect(waitBeforePoll(plainBackoff({ firstWaitSeconds: 45 }), 1)).toBe(45);
  });

  it('backs off by backoffRate up to maxIntervalSeconds', () => {
    // Prepare
    const backoff = plainBackoff({ firstWaitSeconds: 60, backoffRate: 2, maxIntervalSeconds: 400 });

    // Act
    const waits = [1, 2, 3, 4, 5, 6].map((pollNumber) => waitBeforePoll(backoff, pollNumber));

    // Assess
    expect(waits).toEqual([60, 120, 240, 400, 400, 400]);
  });

  it('follows the default (cold) policy: 10 minutes to the first check, then 60 s ×1.5, capped at 5 minutes', () => {
    // Act
    const waits = [1, 2, 3, 4, 5, 6, 50].map((pollNumber) => waitBeforePoll(DEFAULT_POLLING_POLICY, pollNumber));

    // Assess
    expect(waits).toEqual([600, 60, 90, 135, 203, 300, 300]);
  });

  it('treats poll numbers below 1 like the first poll', () => {
    // Act & Assess
    expect(waitBeforePoll(plainBackoff({ firstWaitSeconds: 30 }), 0)).toBe(30);
    expect(waitBeforePoll(plainBackoff({ firstWaitSeconds: 30 }), -3)).toBe(30);
  });

  it('shortens the wait so the next check falls on the deadline', () => {
    // Prepare
    const short = plainBackoff({ maxElapsedSeconds: 1000, maxIntervalSeconds: 300 });

    // Act & Assess
    expect(waitBeforePoll(short, 10, 900)).toBe(100);
  });

  it('waits at least one second at or past the deadline', () => {
    // Prepare
    const short = plainBackoff({ maxElapsedSeconds: 1000 });

    // Act & Assess
    expect(waitBeforePoll(short, 10, 1000)).toBe(1);
    expect(waitBeforePoll(short, 10, 5000)).toBe(1);
    expect(waitBeforePoll(plainBackoff({ firstWaitSeconds: 0 }), 1)).toBe(1);
  });

  it('returns a whole number of seconds for fractional rates', () => {
    // Prepare
    const fractional = plainBackoff({ firstWaitSeconds: 7, backoffRate: 1.3, maxIntervalSeconds: 1000 });

    // Act
    const waits = Array.from({ length: 20 }, (_, index) => waitBeforePoll(fractional, index + 1, 0.25));

    // Assess
    for (const wait of waits) expect(Number.isInteger(wait)).toBe(true);
  });

  it('never schedules a check past the deadline before it is reached', () => {
    // Prepare
    const tight = plainBackoff({ firstWaitSeconds: 60, backoffRate: 1.5, maxIntervalSeconds: 300, maxElapsedSeconds: 3600 });

    // Act & Assess
    for (let elapsed = 0; elapsed < tight.maxElapsedSeconds; elapsed += 7) {
      for (const pollNumber of [1, 2, 5, 20]) {
        const wait = waitBeforePoll(tight, pollNumber, elapsed);
        expect(elapsed + wait).toBeLessThanOrEqual(tight.maxElapsedSeconds);
        expect(wait).toBeGreaterThanOrEqual(1);
      }
    }
  });
});

describe('initialPollState', () => {
  it('starts with no checks, no status and the first wait', () => {
    // Act
    const state = initialPollState(plainBackoff({ firstWaitSeconds: 42 }));

    // Assess
    expect(state).toEqual({
      count: 0,
      status: null,
      terminal: false,
      timedOut: false,
      failureReason: null,
      waitSeconds: 42,
      elapsedSeconds: 0,
    });
  });
});

describe('nextPollState', () => {
  const thePolicy = plainBackoff({ firstWaitSeconds: 60, backoffRate: 1.5, maxIntervalSeconds: 300, maxElapsedSeconds: 3600, maxPolls: 10 });

  it('keeps polling a running job with the next backed-off wait', () => {
    // Act
    const state = nextPollState(thePolicy, { count: 1 }, { status: 'IN PROGRESS' }, 150);

    // Assess
    expect(state).toEqual({
      count: 2,
      status: 'IN PROGRESS',
      terminal: false,
      timedOut: false,
      failureReason: null,
      waitSeconds: 135,
      elapsedSeconds: 150,
    });
  });

  it('ends on ACTIVE with no wait and no failure reason', () => {
    // Act
    const state = nextPollState(thePolicy, { count: 3 }, { status: 'ACTIVE', failureReason: 'ignored' }, 600);

    // Assess
    expect(state).toMatchObject({ count: 4, status: 'ACTIVE', terminal: true, timedOut: false, failureReason: null, waitSeconds: 0 });
  });

  it('ends on CREATE FAILED with Personalize’s failure reason', () => {
    // Act
    const state = nextPollState(thePolicy, { count: 0 }, { status: 'CREATE FAILED', failureReason: 'Input file is empty' }, 61);

    // Assess
    expect(state).toMatchObject({ terminal: true, timedOut: false, failureReason: 'Input file is empty', waitSeconds: 0 });
  });

  it('gives a default failure reason when Personalize gives none', () => {
    // Act
    const state = nextPollState(thePolicy, { count: 0 }, { status: 'CREATE FAILED' }, 61);

    // Assess
    expect(state.failureReason).toBe('Personalize gave no failure reason');
  });

  it('records a missing status as null and keeps polling', () => {
    // Act
    const state = nextPollState(thePolicy, { count: 0 }, { status: undefined }, 61);

    // Assess
    expect(state).toMatchObject({ status: null, terminal: false, timedOut: false });
    expect(state.waitSeconds).toBeGreaterThan(0);
  });

  it('times out when the elapsed time reaches maxElapsedSeconds', () => {
    // Act
    const before = nextPollState(thePolicy, { count: 2 }, { status: 'IN PROGRESS' }, 3599);
    const at = nextPollState(thePolicy, { count: 2 }, { status: 'IN PROGRESS' }, 3600);

    // Assess
    expect(before.timedOut).toBe(false);
    expect(at).toMatchObject({ timedOut: true, terminal: false, waitSeconds: 0, failureReason: null });
  });

  it('times out when the check count reaches maxPolls', () => {
    // Act
    const before = nextPollState(thePolicy, { count: 8 }, { status: 'IN PROGRESS' }, 100);
    const at = nextPollState(thePolicy, { count: 9 }, { status: 'IN PROGRESS' }, 100);

    // Assess
    expect(before).toMatchObject({ count: 9, timedOut: false });
    expect(at).toMatchObject({ count: 10, timedOut: true, waitSeconds: 0 });
  });

  it('reports a job that finished on the last allowed check as finished, not timed out', () => {
    // Act
    const state = nextPollState(thePolicy, { count: 9 }, { status: 'ACTIVE' }, 4000);

    // Assess
    expect(state).toMatchObject({ terminal: true, timedOut: false });
  });

  it('never schedules the next check past the deadline', () => {
    // Act
    const state = nextPollState(thePolicy, { count: 5 }, { status: 'IN PROGRESS' }, 3500);

    // Assess
    expect(state.waitSeconds).toBe(100);
  });
});

describe('timeoutReason', () => {
  const thePolicy = plainBackoff({ maxElapsedSeconds: 3600, maxPolls: 10 });

  it('names maxWaitSeconds when the elapsed guard stopped the run', () => {
    // Act
    const reason = timeoutReason(thePolicy, { count: 7, elapsedSeconds: 3605, status: 'IN PROGRESS' });

    // Assess
    expect(reason).toBe('Job still IN PROGRESS after 7 status checks: maxWaitSeconds (3600s) reached after 3605s');
  });

  it('names maxPolls when the count guard stopped the run', () => {
    // Act
    const reason = timeoutReason(thePolicy, { count: 10, elapsedSeconds: 1200, status: 'CREATE PENDING' });

    // Assess
    expect(reason).toBe('Job still CREATE PENDING after 10 status checks: maxPolls (10) reached after 1200s');
  });

  it('says unknown when no status was ever seen', () => {
    // Act
    const reason = timeoutReason(thePolicy, { count: 10, elapsedSeconds: 10, status: null });

    // Assess
    expect(reason).toMatch(/^Job still unknown after 10 status checks/);
  });
});

describe('history budget', () => {
  it('keeps the default policy within maxPolls for a job that never finishes', () => {
    // Act
    const final = pollUntilGuard(DEFAULT_POLLING_POLICY);

    // Assess
    expect(final.timedOut).toBe(true);
    expect(final.count).toBeLessThanOrEqual(DEFAULT_POLLING_POLICY.maxPolls);
    expect(final.elapsedSeconds).toBeGreaterThanOrEqual(DEFAULT_POLLING_POLICY.maxElapsedSeconds);
    // The deadline, not the count, ends a default run: the count guard is the backstop.
    expect(final.elapsedSeconds - DEFAULT_POLLING_POLICY.maxElapsedSeconds).toBeLessThanOrEqual(1);
  });

  it('keeps maxPolls × 9 events under the 25,000-event history limit', () => {
    // Assess
    expect(DEFAULT_POLLING_POLICY.maxPolls * EVENTS_PER_POLL).toBeLessThan(HISTORY_EVENT_LIMIT);
    expect(MAX_POLLS_LIMIT * EVENTS_PER_POLL).toBeLessThan(HISTORY_EVENT_LIMIT);
  });

  it.each([
    ['1-hour limit, 10 s polls', { firstWaitSeconds: 10, backoffRate: 1, maxIntervalSeconds: 10, maxElapsedSeconds: 3600, maxPolls: 2000 }],
    ['6-day limit, 60 s polls, no backoff', { firstWaitSeconds: 60, backoffRate: 1, maxIntervalSeconds: 60, maxElapsedSeconds: 518_400, maxPolls: 2500 }],
    ['6-day limit, default backoff', { ...DEFAULT_POLLING_POLICY, maxElapsedSeconds: 518_400, maxPolls: 2500 }],
    ['1-second polls', { firstWaitSeconds: 1, backoffRate: 1, maxIntervalSeconds: 1, maxElapsedSeconds: 86_400, maxPolls: 2500 }],
  ])('stops within the event budget with %s', (_label, overrides) => {
    // Act
    const final = pollUntilGuard(policy(overrides));

    // Assess
    expect(final.timedOut).toBe(true);
    expect(final.count).toBeLessThanOrEqual(overrides.maxPolls);
    expect(final.count * EVENTS_PER_POLL).toBeLessThan(HISTORY_EVENT_LIMIT);
  });
});
