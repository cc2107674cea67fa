import {
  DEFAULT_CAPACITY_POLICY,
  DEFAULT_MAX_CONCURRENT_JOBS,
  freeSlots,
  ordinal,
  queueTimeoutReason,
  remainingQueueSeconds,
  waiterSortKey,
} from '../../src/domain/capacity-policy';

const NOW = Date.parse('2026-01-15T10:00:00.000Z');

describe('waiterSortKey', () => {
  it('serves a higher priority first, then the run that queued first, then the run id', () => {
    // Prepare
    const keys = [
      waiterSortKey(5, '2026-01-15T10:00:02.000Z', 'late'),
      waiterSortKey(5, '2026-01-15T10:00:01.000Z', 'early-b'),
      waiterSortKey(9, '2026-01-15T11:00:00.000Z', 'urgent'),
      waiterSortKey(0, '2026-01-15T09:00:00.000Z', 'lowest'),
      waiterSortKey(5, '2026-01-15T10:00:01.000Z', 'early-a'),
    ];

    // Act
    const order = [...keys].sort().map((key) => key.split('#')[2]);

    // Assess
    expect(order).toEqual(['urgent', 'early-a', 'early-b', 'late', 'lowest']);
  });
});

describe('remainingQueueSeconds', () => {
  it('counts down from since + maxQueueSeconds, rounding up, at least 1 while time remains', () => {
    // Act & Assess
    expect(remainingQueueSeconds(new Date(NOW).toISOString(), 3600, NOW)).toBe(3600);
    expect(remainingQueueSeconds(new Date(NOW - 1500).toISOString(), 3600, NOW)).toBe(3599);
    expect(remainingQueueSeconds(new Date(NOW - 3_599_999).toISOString(), 3600, NOW)).toBe(1);
  });

  it('is 0 once the deadline has passed', () => {
    // Act & Assess
    expect(remainingQueueSeconds(new Date(NOW - 3_600_000).toISOString(), 3600, NOW)).toBe(0);
    expect(remainingQueueSeconds(new Date(NOW - 9_000_000).toISOString(), 3600, NOW)).toBe(0);
  });

  it('defaults to a 6-hour queue and 5 slots (Personalize’s default quota)', () => {
    // Act & Assess
    expect(DEFAULT_CAPACITY_POLICY.maxQueueSeconds).toBe(21_600);
    expect(DEFAULT_MAX_CONCURRENT_JOBS).toBe(5);
  });
});

describe('freeSlots', () => {
  it('is the slot count less the holders', () => {
    // Act & Assess
    expect(freeSlots(5, [], [])).toBe(5);
    expect(freeSlots(5, ['a', 'b'], ['a', 'b'])).toBe(3);
  });

  it('counts a holder whose job Personalize does not list yet (it is about to create it)', () => {
    // Act & Assess
    expect(freeSlots(5, ['a', 'b'], [])).toBe(3);
  });

  it('counts the jobs Personalize runs for someone else against the quota', () => {
    // Act & Assess
    expect(freeSlots(5, ['a'], ['a', 'console-job', 'other-stack-job'])).toBe(2);
    expect(freeSlots(3, ['a', 'b'], ['a', 'b', 'outside-1', 'outside-2'])).toBe(-1);
  });
});

describe('queueTimeoutReason', () => {
  it('names the run’s queue position, its wait and maxQueueSeconds', () => {
    // Act
    const reason = queueTimeoutReason(3, 3600, 3600);

    // Assess
    expect(reason).toMatch(/^Still 3rd in the queue for a Personalize job slot after 3600 s \(maxQueueSeconds 3600\)/);
  });

  it.each([
    [1, '1st'],
    [2, '2nd'],
    [3, '3rd'],
    [4, '4th'],
    [11, '11th'],
    [12, '12th'],
    [13, '13th'],
    [21, '21st'],
    [42, '42nd'],
    [113, '113th'],
  ])('writes %i as %s', (n, text) => {
    // Act & Assess
    expect(ordinal(n)).toBe(text);
  });
});
