import { DynamoDbRunsStore } from '../adapters/runs-table';
import { optionalCountEnv, requireEnv } from '../config/environment';
import { createRecordRunHandler } from '../handlers/record-run';
import type { RecordRunDependencies } from '../use-cases/record-run';
import type { CompositionOptions, Environment } from './options';
import { recordRunMetrics } from './run-metrics';

/**
 * recordRun's dependencies from its environment (serverless.yml `functions.recordRun.environment`):
 * `RUNS_TABLE_NAME` (required), `RUN_RECORD_RETENTION_DAYS` (days, whole number; unset or 0 keeps
 * records forever).
 *
 * @throws ConfigurationError naming a variable that is missing or malformed.
 */
export function recordRunDependencies(env: Environment, options: CompositionOptions = {}): RecordRunDependencies {
  return {
    store: new DynamoDbRunsStore(requireEnv('RUNS_TABLE_NAME', env), { client: options.clients?.dynamodb }),
    now: options.now ?? Date.now,
    retentionDays: optionalCountEnv('RUN_RECORD_RETENTION_DAYS', env),
  };
}

/**
 * recordRun's composition root: the Lambda entry point calls it with `process.env` at cold start,
 * local mode with its own values and endpoint clients. Each recorded run's outcome and figures go
 * out as run metrics (`METRICS_NAMESPACE`, `METRICS_JOB_GROUPS`).
 *
 * @example
 * export const handler = composeRecordRun(process.env);
 * @throws ConfigurationError as {@link recordRunDependencies}.
 */
export function composeRecordRun(env: Environment, options: CompositionOptions = {}) {
  return createRecordRunHandler(recordRunDependencies(env, options), options.logger).use(recordRunMetrics(env, options));
}
