/**
 * How long a job group's next batch inference job is expected to take, learnt from the group's
 * previous runs. Personalize publishes no completion event and no progress, so the durations the
 * runs table recorded are the only evidence of when to look.
 *
 * The model is a lognormal: a job's duration is a product of factors (input size, the solution's
 * model, Personalize's own provisioning, about 20 minutes even for 3 users), so its logarithm is
 * close to normal, and a lognormal cannot go below zero. Two numbers carry it: the median (e^μ) and
 * σ, the standard deviation of ln(duration).
 */
export interface ExpectedDuration {
  /** Finished jobs of the group the estimate is drawn from (≥ 1). */
  runs: number;
  /** e^μ: half of the group's jobs took less than this, in seconds. */
  medianSeconds: number;
  /**
   * σ of ln(duration) for the next job: the group's spread widened by the uncertainty of a median
   * drawn from `runs` samples (× √(1 + 1/runs), the predictive spread of a normal). 0.1 is a group
   * whose jobs stay within about ±20 % of each other.
   */
  logSigma: number;
}

/** A finished run as the runs table has it; only what the estimate reads. */
export interface FinishedRunSample {
  /** Personalize's last status of the run's job. */
  jobStatus?: string | undefined;
  /** Seconds from the job's creation to the status check that saw it finished. */
  elapsedSeconds?: number | undefined;
}

/** How many of the group's most recent finished runs the estimate reads (the history query's `Limit`). */
export const HISTORY_RUNS = 20;
/**
 * σ assumed before the group's own spread is known, weighted as {@link PRIOR_WEIGHT} runs: with one
 * run there is no spread to measure, and two runs that happened to agree are weak evidence.
 */
export const PRIOR_LOG_SIGMA = 0.25;
export const PRIOR_WEIGHT = 2;
/** No group is more regular than this (±5 %): Personalize's own provisioning time varies. */
export const MIN_LOG_SIGMA = 0.05;

/**
 * The group's expected duration from its recent runs, or undefined when none of them is a usable
 * sample (then the cold policy applies).
 *
 * Only jobs Personalize finished (`ACTIVE`) count: a `CREATE FAILED` job says when it failed, not how
 * long a job takes, and a timed-out or aborted run only says "longer than". A run's `elapsedSeconds`
 * is measured at the check that saw the job finished, so it over-states the duration by that run's
 * detection lag (at most one poll interval, small once the history places the polls).
 *
 * σ is the sample's, shrunk towards {@link PRIOR_LOG_SIGMA}: σ² = (w·σ₀² + (n − 1)·s²) / (w + n − 1),
 * then widened for the next job: × √(1 + 1/n), since a median from few runs may itself be off.
 */
export function expectedDurationFrom(samples: readonly FinishedRunSample[]): ExpectedDuration | undefined {
  const logs = samples
    .filter((sample) => sample.jobStatus === 'ACTIVE' && typeof sample.elapsedSeconds === 'number' && Number.isFinite(sample.elapsedSeconds) && sample.elapsedSeconds > 0)
    .slice(0, HISTORY_RUNS)
    .map((sample) => Math.log(sample.elapsedSeconds as number));
  const n = logs.length;
  if (n === 0) return undefined;
  const mu = logs.reduce((sum, value) => sum + value, 0) / n;
  const squares = logs.reduce((sum, value) => sum + (value - mu) ** 2, 0);
  const variance = (PRIOR_WEIGHT * PRIOR_LOG_SIGMA ** 2 + squares) / (PRIOR_WEIGHT + n - 1);
  return { runs: n, medianSeconds: Math.exp(mu), logSigma: Math.max(MIN_LOG_SIGMA, Math.sqrt(variance)) * Math.sqrt(1 + 1 / n) };
}

/** The duration a share `e^(z·σ)` of the way from the median: z = −2 is about the 2nd percentile, +2 the 98th. */
export function durationAtZ(expected: ExpectedDuration, z: number): number {
  return expected.medianSeconds * Math.exp(z * expected.logSigma);
}

/**
 * The hazard at `seconds`: the chance per second that a job still running at that time finishes in
 * the next second (density ÷ survival). It rises towards the expected finish, which is where
 * checks pay. 0 at or before 0 s.
 */
export function finishHazard(expected: ExpectedDuration, seconds: number): number {
  if (!(seconds > 0)) return 0;
  const z = (Math.log(seconds) - Math.log(expected.medianSeconds)) / expected.logSigma;
  const density = Math.exp(-(z * z) / 2) / (Math.sqrt(2 * Math.PI) * expected.logSigma * seconds);
  const survival = 0.5 * erfc(z / Math.SQRT2);
  return survival > 0 ? density / survival : Number.POSITIVE_INFINITY;
}

/** Complementary error function (Numerical Recipes' `erfcc` Chebyshev fit; fractional error < 1.2e-7 everywhere). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
