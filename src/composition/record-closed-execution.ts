import { DynamoDbRunsStore } from '../adapters/runs-table';
import { optionalCountEnv, requireEnv } from '../config/environment';
import { createRecordClosedExecutionHandler } from '../handlers/record-closed-execution';
import type { RecordClosedExecutionDependencies } from '../use-cases/record-closed-execution';
import type { CompositionOptions, Environment } from './options';
import { recordClosedExecutionMetrics } from './run-metrics';

/**
 * recordClosedExecution's dependencies from its environment (serverless.yml
 * `functions.recordClosedExecution.environment`): `RUNS_TABLE_NAME` (required),
 * `RUN_RECORD_RETENTION_DAYS` (days, whole number).
 *
 * @throws ConfigurationError naming a variable that is missing or malformed.
 */
export function recordClosedExecutionDependencies(env: Environment, options: CompositionOptions = {}): RecordClosedExecutionDependencies {
  return {
    runs: new DynamoDbRunsStore(requireEnv('RUNS_TABLE_NAME', env), {
      client: options.clients?.dynamodb,
      recordRetentionDays: optionalCountEnv('RUN_RECORD_RETENTION_DAYS', env),
    }),
    now: options.now ?? Date.now,
  };
}

/**
 * recordClosedExecution's composition root: the Lambda entry point calls it with `process.env` at
 * cold start, local mode with its own values and endpoint clients.
 *
 * @example
 * export const handler = composeRecordClosedExecution(process.env);
 * @throws ConfigurationError as {@link recordClosedExecutionDependencies}.
 */
export function composeRecordClosedExecution(env: Environment, options: CompositionOptions = {}) {
  return createRecordClosedExecutionHandler(recordClosedExecutionDependencies(env, options), options.logger).use(recordClosedExecutionMetrics(env, options));
}
