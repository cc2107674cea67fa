import { DEFAULT_POLLING_POLICY } from '../src/domain/polling-policy';
import {
  DEFAULT_MIX,
  detectWithHistory,
  detectWithOutputEvents,
  detectWithPolicy,
  detectWithTaskRetry,
  fixedPolicy,
  groupDurations,
  OUTPUT_EVENT_DELIVERY_SECONDS,
  PREVIOUS_POLICY,
  type Detection,
  type DurationMix,
} from './polling-model';
import { capacityReport } from './capacity-report';

/**
 * Prices and sizes the cost columns use. Step Functions and Lambda prices: aws-facts.md; the
 * x86 GB-second price and the DynamoDB read price are AWS's published on-demand prices (us-east-1),
 * stated, not checked here. The check's duration is stated, not measured on AWS.
 */
const PRICES = {
  perTransition: 0.025 / 1000,
  perLambdaRequest: 0.2 / 1_000_000,
  /** arm64 (serverless.yml `provider.architecture`) is 20 % below x86's $0.0000166667. */
  perGbSecond: 0.0000166667 * 0.8,
  /** On-demand DynamoDB; one history Query of ≤ 4 KB, eventually consistent, is 0.5 read request unit. */
  perReadRequestUnit: 0.125 / 1_000_000,
};
/** getJobStatus's memory (serverless.yml `provider.memorySize`). */
const CHECK_MEMORY_GB = 256 / 1024;
/** Billed time of one status check: a warm invocation making one DescribeBatchInferenceJob call (stated). */
const CHECK_SECONDS = 0.15;
/** Wait for next poll → Get job status → Job complete?: three states entered per check. */
const TRANSITIONS_PER_POLL = 3;
/** A retried Task: each attempt is one state entered (retries count as transitions). */
const TRANSITIONS_PER_RETRY = 1;

interface StrategyRow {
  name: string;
  detections: Detection[];
  transitionsPerPoll: number;
  historyReads: number;
  /**
   * Lambda invocations per check besides getJobStatus's (waitForJobOutput before each safety poll),
   * and per job (jobOutputCreated's one wake-up). Default 0.
   */
  extraLambdaPerPoll?: number;
  extraLambdaPerJob?: number;
}

function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

const fmt = (value: number, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';

function row(strategy: StrategyRow): string {
  const polls = strategy.detections.map((detection) => detection.polls);
  const lags = strategy.detections.filter((detection) => !detection.gaveUp).map((detection) => detection.lagSeconds);
  const gaveUp = strategy.detections.filter((detection) => detection.gaveUp).length;
  const pollsPerJob = mean(polls);
  const transitions = pollsPerJob * strategy.transitionsPerPoll;
  const lambdaCalls = pollsPerJob * (1 + (strategy.extraLambdaPerPoll ?? 0)) + (strategy.extraLambdaPerJob ?? 0);
  const cost =
    1000 *
    (transitions * PRICES.perTransition +
      lambdaCalls * (PRICES.perLambdaRequest + CHECK_MEMORY_GB * CHECK_SECONDS * PRICES.perGbSecond) +
      strategy.historyReads * 0.5 * PRICES.perReadRequestUnit);
  return (
    `| ${strategy.name} | ${fmt(pollsPerJob, 1)} | ${fmt(Math.max(...polls))} | ${fmt(pollsPerJob, 1)} | ${fmt(mean(lags))} | ${fmt(quantile(lags, 0.95))} | ` +
    `${fmt(Math.max(...lags))} | ${gaveUp} | ${fmt(transitions, 1)} | $${fmt(cost, 3)} |`
  );
}

/** The polling table for one mix: every strategy on the same jobs (each group's runs 2..N, which have history). */
export function pollingTable(mix: DurationMix): string {
  const groups = groupDurations(mix);
  const jobs = groups.flatMap((durations) => durations.slice(1));
  const withHistory = detectWithHistory(groups).flatMap((detections) => detections.slice(1));
  const outputEvents = { transitionsPerPoll: TRANSITIONS_PER_POLL, historyReads: 1, extraLambdaPerPoll: 1, extraLambdaPerJob: 1 };
  const strategies: StrategyRow[] = [
    { name: 'this product with output events, with history', detections: detectWithHistory(groups, undefined, detectWithOutputEvents).flatMap((detections) => detections.slice(1)), ...outputEvents },
    { name: 'this product with output events, cold (no history)', detections: jobs.map((d) => detectWithOutputEvents(DEFAULT_POLLING_POLICY, d)), ...outputEvents },
    { name: 'this product, with history', detections: withHistory, transitionsPerPoll: TRANSITIONS_PER_POLL, historyReads: 1 },
    { name: 'this product, cold (no history)', detections: jobs.map((d) => detectWithPolicy(DEFAULT_POLLING_POLICY, d)), transitionsPerPoll: TRANSITIONS_PER_POLL, historyReads: 1 },
    { name: 'previous policy (60 s ×1.5 to 300 s)', detections: jobs.map((d) => detectWithPolicy(PREVIOUS_POLICY, d)), transitionsPerPoll: TRANSITIONS_PER_POLL, historyReads: 0 },
    { name: 'fixed 60 s poller', detections: jobs.map((d) => detectWithPolicy(fixedPolicy(60), d)), transitionsPerPoll: TRANSITIONS_PER_POLL, historyReads: 0 },
    { name: 'fixed 120 s poller', detections: jobs.map((d) => detectWithPolicy(fixedPolicy(120), d)), transitionsPerPoll: TRANSITIONS_PER_POLL, historyReads: 0 },
    {
      name: 'Task re-run as a poll (Retry 60 s ×1.02, 100 attempts)',
      detections: jobs.map((d) => detectWithTaskRetry({ intervalSeconds: 60, backoffRate: 1.02, maxAttempts: 100 }, d)),
      transitionsPerPoll: TRANSITIONS_PER_RETRY,
      historyReads: 0,
    },
  ];
  const small = jobs.filter((d) => d < 3600).length;
  return [
    `${fmt(jobs.length)} jobs (${mix.groups} groups × runs 2–${mix.runsPerGroup}; ${fmt((100 * small) / jobs.length)} % under an hour, median ${fmt(quantile(jobs, 0.5) / 60)} min, p95 ${fmt(quantile(jobs, 0.95) / 3600, 1)} h); runs vary within a group by σ = ${mix.runSigma}.`,
    '',
    '| strategy | polls/job | max polls | Describe calls/job | mean lag s | p95 lag s | max lag s | gave up | transitions/job | $ per 1,000 jobs |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...strategies.map(row),
  ].join('\n');
}

export async function main(args: string[]): Promise<void> {
  const seed = Number(args[args.indexOf('--seed') + 1] ?? DEFAULT_MIX.seed);
  const mix = { ...DEFAULT_MIX, ...(args.includes('--seed') && Number.isFinite(seed) && { seed }) };
  console.log('## Completion: detecting a finished job\n');
  console.log(
    'Durations: a lognormal mix around the one public figure (a 3-user job takes ~23 min, aws-facts.md): 70 % of groups small ' +
      '(median 23 min, σ 0.35), 30 % large (median 3 h, σ 0.6) — an assumption, there are no public figures for large jobs. ' +
      'Lag: job finish → the check that sees it. Cost: Step Functions $0.025/1,000 transitions, Lambda $0.20/M requests + ' +
      `${CHECK_SECONDS * 1000} ms (stated) at 256 MB arm64 per check, history Query 0.5 RRU at $0.125/M RRU.\n`,
  );
  console.log(
    `Output events rows: the run's output lands in the data bucket; its \`.out\` is written as the job ends and the object-created event ` +
      `wakes the run ${OUTPUT_EVENT_DELIVERY_SECONDS} s later (stated: S3 delivers events in seconds; not measured on AWS); the wake-up's Describe sees ACTIVE. ` +
      'Describe calls count the first check (a plain Wait), every safety poll and the wake-up. Cost adds waitForJobOutput per wait and jobOutputCreated per job ' +
      '(the output waits table\'s PutItem/Query/DeleteItem and one ListObjectsV2 per wait are left out: fractions of a cent per 1,000 jobs). ' +
      'The other rows poll only (output in another bucket, or events lost).\n',
  );
  console.log('### Typical groups\n');
  console.log(pollingTable(mix));
  console.log('\n### High-variance groups (runs of a group vary by σ = 0.5)\n');
  console.log(pollingTable({ ...mix, runSigma: 0.5 }));
  console.log('');
  console.log(capacityReport());
}
