import { durationAtZ, expectedDurationFrom, finishHazard, HISTORY_RUNS, MIN_LOG_SIGMA, PRIOR_LOG_SIGMA } from '../../src/domain/expected-duration';

const finished = (...seconds: number[]) => seconds.map((elapsedSeconds) => ({ jobStatus: 'ACTIVE', elapsedSeconds }));

describe('expectedDurationFrom', () => {
  it('has no estimate without a finished job', () => {
    expect(expectedDurationFrom([])).toBeUndefined();
    expect(expectedDurationFrom([{ jobStatus: 'CREATE FAILED', elapsedSeconds: 600 }, { jobStatus: 'ACTIVE' }, { elapsedSeconds: 900 }])).toBeUndefined();
  });

  it('takes one run as the median with the prior spread, widened for a single sample', () => {
    const expected = expectedDurationFrom(finished(1380));
    expect(expected?.runs).toBe(1);
    expect(expected?.medianSeconds).toBeCloseTo(1380, 6);
    expect(expected?.logSigma).toBeCloseTo(PRIOR_LOG_SIGMA * Math.SQRT2, 6);
  });

  it('uses the geometric mean as the median and the spread of the logarithms', () => {
    const expected = expectedDurationFrom(finished(1000, 4000));
    expect(expected?.medianSeconds).toBeCloseTo(2000, 6);
    // s² = 2 × (ln 2)², shrunk with two prior runs of σ 0.25, then × √(1 + 1/2).
    const variance = (2 * PRIOR_LOG_SIGMA ** 2 + 2 * Math.log(2) ** 2) / 3;
    expect(expected?.logSigma).toBeCloseTo(Math.sqrt(variance) * Math.sqrt(1.5), 6);
  });

  it('grows tighter than the prior for a regular group, never below the floor', () => {
    const regular = expectedDurationFrom(finished(...Array.from({ length: 20 }, (_, index) => 3600 + (index % 2) * 10)));
    expect(regular?.logSigma).toBeLessThan(PRIOR_LOG_SIGMA / 2);
    expect(regular?.logSigma).toBeGreaterThanOrEqual(MIN_LOG_SIGMA);
  });

  it('reads only the most recent runs it is given, and skips failed, unfinished and malformed ones', () => {
    const recent = finished(...Array.from({ length: HISTORY_RUNS }, () => 600));
    const expected = expectedDurationFrom([{ jobStatus: 'CREATE FAILED', elapsedSeconds: 5 }, { jobStatus: 'ACTIVE', elapsedSeconds: -1 }, ...recent, ...finished(90_000)]);
    expect(expected?.runs).toBe(HISTORY_RUNS);
    expect(expected?.medianSeconds).toBeCloseTo(600, 6);
  });
});

describe('finishHazard', () => {
  const expected = { runs: 5, medianSeconds: 3600, logSigma: 0.2 };

  it('is nil before the job could finish and rises towards the expected finish', () => {
    expect(finishHazard(expected, 0)).toBe(0);
    const early = finishHazard(expected, durationAtZ(expected, -3));
    const atMedian = finishHazard(expected, 3600);
    expect(early).toBeLessThan(atMedian / 50);
    // Lognormal density at the median ÷ survival of one half.
    expect(atMedian).toBeCloseTo(1 / (3600 * 0.2 * Math.sqrt(2 * Math.PI)) / 0.5, 8);
  });
});
