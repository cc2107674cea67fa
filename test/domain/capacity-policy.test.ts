import {
  capacityWaitSeconds,
  DEFAULT_CAPACITY_POLICY,
  onCapacityRefused,
  type CapacityPolicy,
} from '../../src/domain/capacity-policy';

const NOW = Date.parse('2026-01-15T10:00:00.000Z');
const policy: CapacityPolicy = { firstWaitSeconds: 60, backoffRate: 2, maxIntervalSeconds: 600, maxQueueSeconds: 3600 };
const lowest = () => 0;
const highest = () => 1;
const middle = () => 0.5;
const REFUSAL = 'Personalize is busy (LimitExceededException): The limit of 5 pending or in progress batch inference jobs has been reached';

describe('capacityWaitSeconds', () => {
  it('grows the interval by the backoff rate with each attempt', () => {
    // Act
    const waits = [1, 2, 3, 4].map((attempts) => capacityWaitSeconds(policy, attempts, highest));

    // Assess
    expect(waits).toEqual([60, 120, 240, 480]);
  });

  it('caps the interval at maxIntervalSeconds', () => {
    // Act
    const waits = [5, 6, 50].map((attempts) => capacityWaitSeconds(policy, attempts, highest));

    // Assess
    expect(waits).toEqual([600, 600, 600]);
  });

  it('waits at least half the interval with the lowest random value', () => {
    // Act & Assess
    expect(capacityWaitSeconds(policy, 1, lowest)).toBe(30);
    expect(capacityWaitSeconds(policy, 10, lowest)).toBe(300);
  });

  it('waits the full interval with the highest random value', () => {
    // Act & Assess
    expect(capacityWaitSeconds(policy, 1, highest)).toBe(60);
    expect(capacityWaitSeconds(policy, 10, highest)).toBe(600);
  });

  it('spreads waits between half and the whole interval', () => {
    // Act
    const waits = [0, 0.1, 0.25, 0.5, 0.75, 0.99].map((value) => capacityWaitSeconds(policy, 2, () => value));

    // Assess
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(60);
      expect(wait).toBeLessThanOrEqual(120);
    }
    expect(new Set(waits).size).toBe(waits.length);
  });

  it('treats attempt 0 like the first attempt', () => {
    // Act & Assess
    expect(capacityWaitSeconds(policy, 0, highest)).toBe(capacityWaitSeconds(policy, 1, highest));
  });

  it('never waits less than a second', () => {
    // Act & Assess
    expect(capacityWaitSeconds({ ...policy, firstWaitSeconds: 0 }, 1, lowest)).toBe(1);
  });

  it('uses a first wait of 60 s, ×1.5, capped at 10 minutes, and a 6-hour queue by default', () => {
    // Act & Assess
    expect(DEFAULT_CAPACITY_POLICY).toEqual({ firstWaitSeconds: 60, backoffRate: 1.5, maxIntervalSeconds: 600, maxQueueSeconds: 21600 });
    expect(Object.isFrozen(DEFAULT_CAPACITY_POLICY)).toBe(true);
  });
});

describe('onCapacityRefused', () => {
  it('starts the queue at the first refusal', () => {
    // Act
    const decision = onCapacityRefused(policy, undefined, REFUSAL, NOW, middle);

    // Assess
    expect(decision).toEqual({
      wait: { since: '2026-01-15T10:00:00.000Z', attempts: 1, waitSeconds: 45, lastRefusal: REFUSAL },
    });
  });

  it('keeps the time of the first refusal and counts the attempts', () => {
    // Prepare
    const previous = { since: '2026-01-15T10:00:00.000Z', attempts: 3 };

    // Act
    const decision = onCapacityRefused(policy, previous, 'still full', NOW + 600_000, highest);

    // Assess
    expect(decision).toEqual({
      wait: { since: '2026-01-15T10:00:00.000Z', attempts: 4, waitSeconds: 480, lastRefusal: 'still full' },
    });
  });

  it('waits again when the queue time plus the next wait is exactly maxQueueSeconds', () => {
    // Prepare: queued 3540 s, next wait 60 s (attempt 1's full interval).
    const tight = { ...policy, backoffRate: 1 };

    // Act
    const decision = onCapacityRefused(tight, { since: new Date(NOW - 3_540_000).toISOString(), attempts: 0 }, REFUSAL, NOW, highest);

    // Assess
    expect(decision).toHaveProperty('wait');
  });

  it('gives up when the queue time plus the next wait would pass maxQueueSeconds', () => {
    // Prepare
    const previous = { since: new Date(NOW - 3_541_000).toISOString(), attempts: 6 };

    // Act
    const decision = onCapacityRefused({ ...policy, backoffRate: 1 }, previous, REFUSAL, NOW, highest);

    // Assess
    expect(decision).toEqual({ giveUp: expect.any(String) });
    const reason = (decision as { giveUp: string }).giveUp;
    expect(reason).toContain('7 attempts over 3541s');
    expect(reason).toContain('maxQueueSeconds (3600s)');
    expect(reason).toContain(`Last refusal: ${REFUSAL}`);
  });

  it('gives up at the first refusal when the run may not queue at all', () => {
    // Act
    const decision = onCapacityRefused({ ...policy, maxQueueSeconds: 0 }, undefined, REFUSAL, NOW, lowest);

    // Assess
    expect(decision).toEqual({ giveUp: expect.stringContaining('1 attempts over 0s') });
  });

  it('decides on the lowest possible wait with the lowest random value', () => {
    // Prepare: queued 3560 s; the next interval is 60 s, so only a wait of at most 40 s fits.
    const previous = { since: new Date(NOW - 3_560_000).toISOString(), attempts: 0 };
    const flat = { ...policy, backoffRate: 1 };

    // Act & Assess
    expect(onCapacityRefused(flat, previous, REFUSAL, NOW, lowest)).toHaveProperty('wait.waitSeconds', 30);
    expect(onCapacityRefused(flat, previous, REFUSAL, NOW, highest)).toHaveProperty('giveUp');
  });
});
