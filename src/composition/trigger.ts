import { StepFunctionsExecutions } from '../adapters/executions';
import { DynamoDbRunsStore } from '../adapters/runs-table';
import { DataBucketObjects } from '../adapters/s3-objects';
import { inputPrefixFromEnv, inputSuffixesFromEnv, optionalCountEnv, requireEnv } from '../config/environment';
import { createTriggerHandler } from '../handlers/trigger';
import type { TriggerDependencies } from '../use-cases/trigger';
import type { CompositionOptions, Environment } from './options';
import { triggerMetrics } from './run-metrics';

/**
 * The trigger's dependencies from its environment (serverless.yml `functions.trigger.environment`):
 * `STATE_MACHINE_ARN`, `RUNS_TABLE_NAME`, `DATA_BUCKET` (required), `INPUT_PREFIX`, `INPUT_SUFFIXES`,
 * `RUN_RECORD_RETENTION_DAYS` (days, whole number).
 *
 * @throws ConfigurationError naming the first required variable that is missing or malformed.
 */
export function triggerDependencies(env: Environment, options: CompositionOptions = {}): Omit<TriggerDependencies, 'log'> {
  return {
    executions: new StepFunctionsExecutions(requireEnv('STATE_MACHINE_ARN', env), { client: options.clients?.stepFunctions }),
    objects: new DataBucketObjects({ client: options.clients?.s3 }),
    ledger: new DynamoDbRunsStore(requireEnv('RUNS_TABLE_NAME', env), {
      client: options.clients?.dynamodb,
      recordRetentionDays: optionalCountEnv('RUN_RECORD_RETENTION_DAYS', env),
    }),
    filter: { inputPrefix: inputPrefixFromEnv(env), inputSuffixes: inputSuffixesFromEnv(env) },
    dataBucket: requireEnv('DATA_BUCKET', env),
    now: options.now ?? Date.now,
  };
}

/**
 * The trigger's composition root: the Lambda entry point calls it with `process.env` at cold
 * start, local mode with its own values and endpoint clients.
 *
 * @example
 * export const handler = composeTrigger(process.env);
 * @throws ConfigurationError as {@link triggerDependencies}.
 */
export function composeTrigger(env: Environment, options: CompositionOptions = {}) {
  const deps = triggerDependencies(env, options);
  return createTriggerHandler(deps, options.logger).use(triggerMetrics(env, options, deps.dataBucket, deps.filter.inputPrefix));
}
