import { expectedDurationFrom, HISTORY_RUNS, type FinishedRunSample } from '../src/domain/expected-duration';
// The fault plan's seeded generator (mulberry32): every `npm run bench` prints the same figures.
import { seededRandom } from '../src/local/faults/fault-plan';
import { DEFAULT_POLLING_POLICY, initialPollState, nextPollState, type PollingPolicy } from '../src/domain/polling-policy';


/** A standard normal draw (Box–Muller). */
export function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * The mix of job durations the polling table is measured on. Source: the one public figure, AWS's
 * sample notebooks, where a 3-user batch job takes ~23 minutes (aws-facts.md "Durations"); there
 * are no public figures for large jobs, so the rest is an assumption, stated here and in the output:
 * - a job group's typical duration is lognormal: 70 % of groups are small (median 23 min, σ 0.35:
 *   most between 13 and 41 min), 30 % large (median 3 h, σ 0.6: most between 1 and 8 h);
 * - a group's runs vary around its typical duration with σ `runSigma` (0.15: the same group reruns
 *   similar input; 0.5 for the high-variance table);
 * - durations are capped at 20 h (the default `maxWaitSeconds` is 24 h).
 */
export interface DurationMix {
  groups: number;
  runsPerGroup: number;
  smallShare: number;
  small: { medianSeconds: number; logSigma: number };
  large: { medianSeconds: number; logSigma: number };
  runSigma: number;
  capSeconds: number;
  seed: number;
}

export const DEFAULT_MIX: DurationMix = {
  groups: 300,
  runsPerGroup: 10,
  smallShare: 0.7,
  small: { medianSeconds: 23 * 60, logSigma: 0.35 },
  large: { medianSeconds: 3 * 3600, logSigma: 0.6 },
  runSigma: 0.15,
  capSeconds: 20 * 3600,
  seed: 10,
};

/** Per group, its runs' job durations in seconds, in run order. */
export function groupDurations(mix: DurationMix): number[][] {
  const random = seededRandom(mix.seed);
  return Array.from({ length: mix.groups }, () => {
    const kind = random() < mix.smallShare ? mix.small : mix.large;
    const typical = kind.medianSeconds * Math.exp(kind.logSigma * normal(random));
    return Array.from({ length: mix.runsPerGroup }, () => Math.min(mix.capSeconds, typical * Math.exp(mix.runSigma * normal(random))));
  });
}

/** What one strategy did for one job. */
export interface Detection {
  /** DescribeBatchInferenceJob calls (one per status check). */
  polls: number;
  /** Seconds between the job's finish and the check that saw it; NaN when the strategy gave up first. */
  lagSeconds: number;
  /** Seconds from the job's creation to that check (what the runs table records as `elapsedSeconds`). */
  detectedAtSeconds: number;
  gaveUp: boolean;
}

/**
 * Runs the product's own polling functions (`initialPollState`, `nextPollState`) against a job
 * that finishes `durationSeconds` after creation, as "Wait for next poll" → "Get job status" would.
 */
export function detectWithPolicy(policy: PollingPolicy, durationSeconds: number): Detection {
  let state = initialPollState(policy);
  let elapsed = 0;
  for (;;) {
    elapsed += state.waitSeconds;
    state = nextPollState(policy, state, { status: elapsed >= durationSeconds ? 'ACTIVE' : 'CREATE IN_PROGRESS' }, elapsed);
    if (state.terminal) return { polls: state.count, lagSeconds: elapsed - durationSeconds, detectedAtSeconds: elapsed, gaveUp: false };
    if (state.timedOut) return { polls: state.count, lagSeconds: Number.NaN, detectedAtSeconds: elapsed, gaveUp: true };
  }
}

/**
 * A Task whose Lambda throws "still running" and whose Retry re-runs it: `IntervalSeconds`,
 * `BackoffRate`, `MaxAttempts` (retries after the first try). No Wait state; the first check is
 * at once (the Task runs as soon as the job is created).
 */
export function detectWithTaskRetry(retry: { intervalSeconds: number; backoffRate: number; maxAttempts: number }, durationSeconds: number): Detection {
  let elapsed = 0;
  let interval = retry.intervalSeconds;
  for (let attempt = 0; attempt <= retry.maxAttempts; attempt++) {
    if (elapsed >= durationSeconds) return { polls: attempt + 1, lagSeconds: elapsed - durationSeconds, detectedAtSeconds: elapsed, gaveUp: false };
    if (attempt === retry.maxAttempts) break;
    elapsed += interval;
    interval *= retry.backoffRate;
  }
  return { polls: retry.maxAttempts + 1, lagSeconds: Number.NaN, detectedAtSeconds: elapsed, gaveUp: true };
}

/** A fixed-interval poller (Wait → Task → Choice) on the product's own functions: no backoff, no first delay. */
export function fixedPolicy(intervalSeconds: number): PollingPolicy {
  return { ...DEFAULT_POLLING_POLICY, firstPollSeconds: undefined, firstWaitSeconds: intervalSeconds, backoffRate: 1, maxIntervalSeconds: intervalSeconds };
}

/** The policy before this change: first check at 60 s, ×1.5 to 300 s. */
export const PREVIOUS_POLICY: PollingPolicy = { ...DEFAULT_POLLING_POLICY, firstPollSeconds: undefined };

/**
 * Seconds from a job's end to its run being woken by the output's object-created event: S3's event
 * delivery (AWS: "typically … in seconds", occasionally longer) plus the jobOutputCreated
 * invocation and SendTaskSuccess. An assumption, stated with the table; not measured on AWS.
 */
export const OUTPUT_EVENT_DELIVERY_SECONDS = 5;

/**
 * The product when the output lands in the data bucket: every wait, from startJob's first one on,
 * is "Wait for job output", whose timeout is the safety poll (the first one the policy's first check). The output is
 * written as the job ends and its event wakes the run `deliverySeconds` later; the wake-up's
 * Describe sees ACTIVE. Every Describe counts: the first check, each safety poll and the wake-up's.
 */
export function detectWithOutputEvents(policy: PollingPolicy, durationSeconds: number, deliverySeconds = OUTPUT_EVENT_DELIVERY_SECONDS): Detection {
  const observe = (elapsed: number) => ({ status: elapsed >= durationSeconds ? 'ACTIVE' : 'CREATE IN_PROGRESS' });
  let state = initialPollState(policy, { outputEvents: true });
  let elapsed = 0;
  for (;;) {
    if (state.terminal) return { polls: state.count, lagSeconds: elapsed - durationSeconds, detectedAtSeconds: elapsed, gaveUp: false };
    if (state.timedOut) return { polls: state.count, lagSeconds: Number.NaN, detectedAtSeconds: elapsed, gaveUp: true };
    const wokenAt = durationSeconds + deliverySeconds;
    if (state.awaitOutput && wokenAt < elapsed + state.waitSeconds) {
      elapsed = wokenAt;
      state = nextPollState(policy, { ...state, outputSeen: {} }, observe(elapsed), elapsed, { outputEvents: true });
    } else {
      elapsed += state.waitSeconds;
      state = nextPollState(policy, state, observe(elapsed), elapsed, { outputEvents: true });
    }
  }
}

/**
 * The product with history: each group's runs in order, each run's policy built from the
 * `elapsedSeconds` the group's earlier runs recorded (the last {@link HISTORY_RUNS}, newest first,
 * as the runs-table query returns them). Returns, per group, every run's detection (run 1 is cold).
 * `detect` is plain polling by default, {@link detectWithOutputEvents} for the output events rows.
 */
export function detectWithHistory(
  groups: number[][],
  base: PollingPolicy = DEFAULT_POLLING_POLICY,
  detect: (policy: PollingPolicy, durationSeconds: number) => Detection = detectWithPolicy,
): Detection[][] {
  return groups.map((durations) => {
    const recorded: FinishedRunSample[] = [];
    return durations.map((duration) => {
      const expected = expectedDurationFrom(recorded.slice(0, HISTORY_RUNS));
      const detection = detect({ ...base, expected }, duration);
      if (!detection.gaveUp) recorded.unshift({ jobStatus: 'ACTIVE', elapsedSeconds: detection.detectedAtSeconds });
      return detection;
    });
  });
}
