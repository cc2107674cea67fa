import { ConfigurationError } from './errors';
import { DEFAULT_JOB_GROUP } from './bucket-layout';
import { JOB_GROUP_NAME_PATTERN } from './job-group-config';

/**
 * The run metrics the functions emit (CloudWatch embedded metric format), by name. Each is
 * published under two dimension sets: `service, JobType` (totals per job type, what the alarm
 * reads) and `service, JobType, JobGroup` (per group, with the group's cardinality bounded, see
 * {@link jobGroupDimension}).
 */
export const RUN_METRIC = {
  /** Count. Emitted by the trigger for each run it starts (uploads, schedules; not manual starts). */
  runsStarted: 'RunsStarted',
  /** Count. Emitted by recordRun / recordClosedExecution, one per run, by its outcome. */
  runsSucceeded: 'RunsSucceeded',
  runsFailed: 'RunsFailed',
  runsTimedOut: 'RunsTimedOut',
  runsAborted: 'RunsAborted',
  /** Seconds a run waited for a free Personalize job slot (runs that queued). */
  queuedForCapacity: 'QueuedForCapacity',
  /** Seconds from job creation to the last status check (runs that started a job). */
  jobDuration: 'JobDuration',
  /** Count of DescribeBatchInferenceJob polls of a run's job. */
  polls: 'PollsPerRun',
  /** Count of output records, and of those carrying an `error`, when the record has them (output verification). */
  records: 'Records',
  errorRecords: 'ErrorRecords',
} as const;

export type MetricUnitName = 'Count' | 'Seconds';

export interface MetricDatum {
  name: string;
  unit: MetricUnitName;
  value: number;
}

/** What one run contributes to the metrics, with the facts its dimensions come from. */
export interface RunMetricEmission {
  runId: string;
  /** The run's job group; undefined for a run that has none (reported as `default`). */
  jobGroup?: string | undefined;
  /** `BATCH_INFERENCE` (today's only kind) or `BATCH_SEGMENT`. */
  jobType: string;
  data: MetricDatum[];
}

/** Today every run is a batch inference job; a record that says otherwise is taken at its word. */
export const DEFAULT_JOB_TYPE = 'BATCH_INFERENCE';

/** The group every group outside the known list is counted under. */
export const OTHER_JOB_GROUP = 'other';

/** At most this many groups get a JobGroup value of their own: each adds ~11 metrics per job type. */
export const MAX_KNOWN_JOB_GROUPS = 20;

/**
 * The groups that get their own JobGroup value, from a comma-separated list (the stage's
 * `metricsJobGroups`). Each custom metric and dimension combination is billed, and job groups come
 * from upload folders anyone with write access can create, so the list is explicit and capped.
 *
 * @throws ConfigurationError for a name that is not a job group name, or more than {@link MAX_KNOWN_JOB_GROUPS}
 */
export function parseKnownJobGroups(text: string | undefined): ReadonlySet<string> {
  const names = (text ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const bad = names.filter((name) => !JOB_GROUP_NAME_PATTERN.test(name));
  if (bad.length > 0) throw new ConfigurationError(`METRICS_JOB_GROUPS names ${bad.map((name) => `"${name}"`).join(', ')}, which are not job group names`);
  const known = new Set(names);
  if (known.size > MAX_KNOWN_JOB_GROUPS) {
    throw new ConfigurationError(`METRICS_JOB_GROUPS lists ${known.size} groups; at most ${MAX_KNOWN_JOB_GROUPS} get metrics of their own (the rest count as "${OTHER_JOB_GROUP}")`);
  }
  return known;
}

/**
 * The JobGroup dimension value for a run: `default` for a run without a group (and for the
 * `default` group), the group's own name when it is known, and `other` for every other group. So
 * the dimension has at most {@link MAX_KNOWN_JOB_GROUPS} + 2 values, however many folders appear.
 */
export function jobGroupDimension(jobGroup: string | undefined, known: ReadonlySet<string>): string {
  if (jobGroup === undefined || jobGroup === DEFAULT_JOB_GROUP) return DEFAULT_JOB_GROUP;
  return known.has(jobGroup) ? jobGroup : OTHER_JOB_GROUP;
}

/** The facts of a finished run the metrics read; all optional but the outcome. */
export interface FinishedRunFacts {
  status: string;
  queuedSeconds?: number | undefined;
  elapsedSeconds?: number | undefined;
  pollCount?: number | undefined;
  jobArn?: string | undefined;
  records?: number | undefined;
  errorRecords?: number | undefined;
}

const OUTCOME_METRICS: Record<string, string> = {
  SUCCEEDED: RUN_METRIC.runsSucceeded,
  FAILED: RUN_METRIC.runsFailed,
  TIMED_OUT: RUN_METRIC.runsTimedOut,
  ABORTED: RUN_METRIC.runsAborted,
};

/**
 * What a finished run contributes: one count for its outcome, and each figure it has. A figure the
 * run never reached (no queue, no job, no verified output) is left out rather than sent as 0, so
 * averages describe the runs that had it.
 */
export function finishedRunMetrics(facts: FinishedRunFacts): MetricDatum[] {
  const outcome = OUTCOME_METRICS[facts.status];
  if (!outcome) return [];
  const data: MetricDatum[] = [{ name: outcome, unit: 'Count', value: 1 }];
  const figure = (name: string, unit: MetricUnitName, value: number | undefined) => {
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) data.push({ name, unit, value });
  };
  figure(RUN_METRIC.queuedForCapacity, 'Seconds', facts.queuedSeconds);
  if (facts.jobArn !== undefined) figure(RUN_METRIC.jobDuration, 'Seconds', facts.elapsedSeconds);
  figure(RUN_METRIC.polls, 'Count', facts.pollCount);
  figure(RUN_METRIC.records, 'Count', facts.records);
  figure(RUN_METRIC.errorRecords, 'Count', facts.errorRecords);
  return data;
}
