import type { Logger } from '@aws-lambda-powertools/logger';
import { EmfRunMetrics } from '../adapters/emf-run-metrics';
import { optionalEnv } from '../config/environment';
import { jobGroupForInput } from '../domain/bucket-layout';
import { DEFAULT_JOB_TYPE, finishedRunMetrics, parseKnownJobGroups, RUN_METRIC, type RunMetricEmission } from '../domain/run-metrics';
import type { RunRecord } from '../domain/run';
import { emitRunMetrics } from '../middleware/run-metrics';
import { SERVICE_NAME } from '../middleware/handler-kit';
import type { ClosedExecutionResult } from '../use-cases/record-closed-execution';
import type { TriggerEvent, TriggerSummary } from '../use-cases/trigger';
import type { CompositionOptions, Environment } from './options';

/** The namespace when the stage sets none (serverless.yml always sets `METRICS_NAMESPACE`). */
export const DEFAULT_METRICS_NAMESPACE = 'PersonalizeBatch';

/**
 * The run metrics middleware for one function, from its environment: `METRICS_NAMESPACE` (the
 * stage's `metricsNamespace`), `METRICS_JOB_GROUPS` (groups with metrics of their own, ≤ 20).
 *
 * @throws ConfigurationError when `METRICS_JOB_GROUPS` is malformed or too long
 */
function runMetricsMiddleware<TEvent, TResult>(
  env: Environment,
  options: CompositionOptions,
  emissions: (result: TResult, event: TEvent) => RunMetricEmission[],
) {
  const metrics = new EmfRunMetrics({
    namespace: optionalEnv('METRICS_NAMESPACE', env) ?? DEFAULT_METRICS_NAMESPACE,
    serviceName: SERVICE_NAME,
    knownJobGroups: parseKnownJobGroups(optionalEnv('METRICS_JOB_GROUPS', env)),
    write: options.metricsOutput,
  });
  return emitRunMetrics(metrics, emissions, options.logger as Logger | undefined);
}

/** The trigger counts each run it started (not redeliveries), in the run's job group. */
export function triggerMetrics(env: Environment, options: CompositionOptions, dataBucket: string, inputPrefix: string) {
  return runMetricsMiddleware<TriggerEvent, TriggerSummary>(env, options, (summary, event) =>
    summary.started.map((run) => ({
      runId: run.executionName,
      jobType: DEFAULT_JOB_TYPE,
      jobGroup: run.key !== undefined ? jobGroupForInput(`s3://${dataBucket}/${run.key}`, { bucket: dataBucket, inputPrefix }) : scheduledJobGroup(event),
      data: [{ name: RUN_METRIC.runsStarted, unit: 'Count', value: 1 }],
    })),
  );
}

/** recordRun reports each finished run's outcome and figures. */
export function recordRunMetrics(env: Environment, options: CompositionOptions) {
  return runMetricsMiddleware<unknown, RunRecord>(env, options, (record) => [
    { runId: record.runId, jobGroup: record.jobGroup, jobType: jobTypeOf(record), data: finishedRunMetrics(record) },
  ]);
}

/** recordClosedExecution reports the runs it closed (timed out, aborted, failed unrecorded); not the ones that recorded themselves. */
export function recordClosedExecutionMetrics(env: Environment, options: CompositionOptions) {
  return runMetricsMiddleware<unknown, ClosedExecutionResult>(env, options, (result) =>
    result.written && result.status && result.closed
      ? [{ runId: result.runId, jobGroup: result.closed.jobGroup, jobType: jobTypeOf(result.closed), data: finishedRunMetrics({ ...result.closed, status: result.status }) }]
      : [],
  );
}

/** A record names its job type once segment runs exist; until then every run is batch inference. */
function jobTypeOf(record: object): string {
  const { jobType } = record as { jobType?: unknown };
  return typeof jobType === 'string' ? jobType : DEFAULT_JOB_TYPE;
}

function scheduledJobGroup(event: TriggerEvent): string | undefined {
  const schedule = (event as { schedule?: unknown }).schedule;
  const jobGroup = typeof schedule === 'object' && schedule !== null ? (schedule as { jobGroup?: unknown }).jobGroup : undefined;
  return typeof jobGroup === 'string' ? jobGroup : undefined;
}
