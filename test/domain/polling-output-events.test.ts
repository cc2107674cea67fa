import { nextAfterPoll, NEXT_STEP } from '../../src/domain/next-step';
import { DEFAULT_POLLING_POLICY, nextPollState, OUTPUT_EVENT_SAFETY_POLL, repollSeconds, safetyWaitSeconds, waitBeforePoll } from '../../src/domain/polling-policy';

const policy = DEFAULT_POLLING_POLICY;
const running = { status: 'CREATE IN_PROGRESS' };

describe('the safety poll when output events can wake the run', () => {
  it('waits at least what the policy would, and at least the time the job has run, at most an hour', () => {
    expect(safetyWaitSeconds(policy, 2, 600)).toBe(600);
    expect(safetyWaitSeconds(policy, 3, 1200)).toBe(1200);
    expect(safetyWaitSeconds(policy, 5, 9000)).toBe(OUTPUT_EVENT_SAFETY_POLL.maxIntervalSeconds);
    // Early on the policy's own wait is the longer one.
    expect(safetyWaitSeconds(policy, 2, 10)).toBe(waitBeforePoll(policy, 2, 10));
  });

  it('never waits past maxWaitSeconds', () => {
    expect(safetyWaitSeconds({ ...policy, maxElapsedSeconds: 7200 }, 4, 7000)).toBe(200);
  });

  it('bounds the lag of a lost event: a job ending at T is checked by min(T, 1 h) after it ends', () => {
    for (const duration of [700, 1500, 3600, 4 * 3600, 15 * 3600]) {
      // Prepare: the checks the product makes (the first from startJob, the rest as safety polls).
      let elapsed = waitBeforePoll(policy, 1);
      let poll = nextPollState(policy, { count: 0 }, elapsed >= duration ? { status: 'ACTIVE' } : running, elapsed, { outputEvents: true });
      // Act
      while (!poll.terminal) {
        elapsed += poll.waitSeconds;
        poll = nextPollState(policy, poll, elapsed >= duration ? { status: 'ACTIVE' } : running, elapsed, { outputEvents: true });
      }
      // Assess
      expect(elapsed - duration).toBeLessThanOrEqual(Math.min(duration, OUTPUT_EVENT_SAFETY_POLL.maxIntervalSeconds));
    }
  });
});

describe('nextPollState with output events', () => {
  it('waits for the output while the job runs, with the safety poll as the wait\'s timeout', () => {
    // Act
    const poll = nextPollState(policy, { count: 1 }, running, 600, { outputEvents: true });

    // Assess
    expect(poll).toMatchObject({ count: 2, awaitOutput: true, waitSeconds: safetyWaitSeconds(policy, 3, 600) });
    expect(nextAfterPoll(poll)).toBe(NEXT_STEP.waitForOutput);
  });

  it('polls as before when no event covers the output, and never waits for output once the job ended', () => {
    const plain = nextPollState(policy, { count: 1 }, running, 600);
    expect(plain).not.toHaveProperty('awaitOutput');
    expect(nextAfterPoll(plain)).toBe(NEXT_STEP.poll);
    expect(nextAfterPoll(nextPollState(policy, { count: 1 }, { status: 'ACTIVE' }, 600, { outputEvents: true }))).toBe(NEXT_STEP.verify);
    expect(nextAfterPoll(nextPollState(policy, { count: 1 }, { status: 'CREATE FAILED' }, 600, { outputEvents: true }))).toBe(NEXT_STEP.record);
  });

  it('after a wake-up that found the job still running, re-polls at 15 s, then 30 s, never waiting for output again', () => {
    // Act
    const woken = nextPollState(policy, { count: 3, outputSeen: { bucket: 'data', key: 'output/run-1/a.out' } }, running, 3600, { outputEvents: true });
    const again = nextPollState(policy, woken, running, 3615, { outputEvents: true });

    // Assess
    expect(woken).toMatchObject({ count: 4, wokenAtPoll: 4, waitSeconds: 15 });
    expect(woken).not.toHaveProperty('awaitOutput');
    expect(woken).not.toHaveProperty('outputSeen');
    expect(nextAfterPoll(woken)).toBe(NEXT_STEP.poll);
    expect(again).toMatchObject({ count: 5, wokenAtPoll: 4, waitSeconds: 30 });
  });

  it('doubles the re-poll up to maxIntervalSeconds and never past the deadline', () => {
    expect([1, 2, 3, 4, 5, 6, 9].map((n) => repollSeconds(policy, n, 0))).toEqual([15, 30, 60, 120, 240, 300, 300]);
    expect(repollSeconds({ ...policy, maxElapsedSeconds: 100 }, 3, 90)).toBe(10);
  });

  it('keeps the guards: a run woken past maxPolls or maxWaitSeconds times out', () => {
    expect(nextPollState({ ...policy, maxPolls: 4 }, { count: 3, outputSeen: {} }, running, 100, { outputEvents: true })).toMatchObject({ timedOut: true, waitSeconds: 0 });
    expect(nextPollState(policy, { count: 3 }, running, policy.maxElapsedSeconds, { outputEvents: true })).toMatchObject({ timedOut: true });
  });
});

describe('the history limit with output events', () => {
  it('keeps a job that never ends, at the longest maxWaitSeconds, far under 25,000 history events', () => {
    // Prepare: the longest guard a run may set; the job never ends and no event comes.
    const longest = { ...policy, maxElapsedSeconds: 6 * 24 * 3600, maxPolls: 2500 };
    let elapsed = waitBeforePoll(longest, 1);
    let poll = nextPollState(longest, { count: 0 }, running, elapsed, { outputEvents: true });

    // Act
    while (!poll.timedOut) {
      elapsed += poll.waitSeconds;
      poll = nextPollState(longest, poll, running, elapsed, { outputEvents: true });
    }

    // Assess: a safety poll costs the output wait (TaskStateEntered, TaskScheduled, TaskStarted,
    // TaskSubmitted, TaskTimedOut, TaskStateExited), then the check and its Choice (~7): ~13 events.
    expect(elapsed).toBe(longest.maxElapsedSeconds);
    expect(poll.count * 13).toBeLessThan(25_000 / 10);
  });
});
