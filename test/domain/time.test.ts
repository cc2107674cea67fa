import { backoffSeconds } from '../../src/domain/backoff';
import { secondsSince } from '../../src/domain/time';

describe('secondsSince', () => {
  it('counts whole seconds, rounding down', () => {
    // Act & Assess
    expect(secondsSince('2026-01-15T10:00:00.000Z', Date.parse('2026-01-15T10:01:30.999Z'))).toBe(90);
  });

  it('is 0 at the instant itself', () => {
    expect(secondsSince('2026-01-15T10:00:00.000Z', Date.parse('2026-01-15T10:00:00.000Z'))).toBe(0);
  });

  it('never goes negative when the clock is behind the recorded time', () => {
    expect(secondsSince('2026-01-15T10:00:05.000Z', Date.parse('2026-01-15T10:00:00.000Z'))).toBe(0);
  });

  it('reads times with an offset', () => {
    expect(secondsSince('2026-01-15T11:00:00+01:00', Date.parse('2026-01-15T10:00:10Z'))).toBe(10);
  });
});

describe('backoffSeconds', () => {
  const backoff = { firstWaitSeconds: 60, backoffRate: 1.5, maxIntervalSeconds: 300 };

  it('starts at firstWaitSeconds and multiplies by backoffRate per attempt', () => {
    // Act
    const intervals = [1, 2, 3, 4].map((attempt) => backoffSeconds(backoff, attempt));

    // Assess
    expect(intervals).toEqual([60, 90, 135, 202.5]);
  });

  it('caps the interval at maxIntervalSeconds', () => {
    expect(backoffSeconds(backoff, 5)).toBe(300);
    expect(backoffSeconds(backoff, 500)).toBe(300);
  });

  it('treats an attempt below 1 as the first', () => {
    expect(backoffSeconds(backoff, 0)).toBe(60);
    expect(backoffSeconds(backoff, -3)).toBe(60);
  });
});
