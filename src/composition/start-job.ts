import { PersonalizeBatchJobs } from '../adapters/personalize-jobs';
import { DynamoDbRunHistory } from '../adapters/run-history';
import { DynamoDbRunsStore } from '../adapters/runs-table';
import { DataBucketObjects } from '../adapters/s3-objects';
import { bucketLayoutFromEnv, requireEnv, runDefaultsFromEnv } from '../config/environment';
import type { RunDefaults } from '../domain/job-settings';
import { createStartJobHandler } from '../handlers/start-job';
import type { StartJobDependencies } from '../use-cases/start-job';
import { slotQueueDependencies } from './job-slots';
import { outputEventScopeFromEnv } from './output-waits';
import type { CompositionOptions, Environment } from './options';

export interface StartJobCompositionOptions extends CompositionOptions {
  /**
   * Stage defaults to drop after reading the environment. serverless.yml always sets
   * `PERSONALIZE_ROLE_ARN`, so only local mode can run a stage without a default role, to show what
   * a run without any role looks like.
   */
  clearDefaults?: ReadonlyArray<keyof RunDefaults>;
}

/**
 * startJob's dependencies from its environment (serverless.yml `functions.startJob.environment`):
 * `PERSONALIZE_ROLE_ARN`, `OUTPUT_BASE_URI`, `DATA_BUCKET`, `RUNS_TABLE_NAME` (required),
 * `DEFAULT_SOLUTION_VERSION_ARN`, `DEFAULT_NUM_RESULTS` (≥ 1), `INPUT_PREFIX`, `CONFIG_PREFIX`,
 * `STAGING_PREFIX`, the slot queues' `JOB_SLOTS_TABLE_NAME` (required), `MAX_CONCURRENT_JOBS` and
 * `MAX_CONCURRENT_SEGMENT_JOBS` (default 5), and `OUTPUT_PREFIX` (required: with `DATA_BUCKET`, where
 * output events wake runs).
 *
 * @throws ConfigurationError naming the first required variable that is missing or malformed.
 */
export function startJobDependencies(env: Environment, options: StartJobCompositionOptions = {}): StartJobDependencies {
  const bucket = new DataBucketObjects({ client: options.clients?.s3 });
  const defaults = runDefaultsFromEnv(env);
  for (const name of options.clearDefaults ?? []) delete defaults[name];
  // One Personalize client for the jobs and the solution versions they run.
  const personalize = new PersonalizeBatchJobs({ client: options.clients?.personalize });
  return {
    jobs: personalize,
    solutionVersions: personalize,
    defaults,
    layout: bucketLayoutFromEnv(env),
    configs: bucket,
    staging: bucket,
    progress: new DynamoDbRunsStore(requireEnv('RUNS_TABLE_NAME', env), { client: options.clients?.dynamodb }),
    history: new DynamoDbRunHistory(requireEnv('RUNS_TABLE_NAME', env), { client: options.clients?.dynamodb }),
    now: options.now ?? Date.now,
    queues: slotQueueDependencies(env, options),
    outputEvents: outputEventScopeFromEnv(env),
  };
}

/**
 * startJob's composition root: the Lambda entry point calls it with `process.env` at cold start,
 * local mode with its own values and endpoint clients.
 *
 * @example
 * export const handler = composeStartJob(process.env);
 * @throws ConfigurationError as {@link startJobDependencies}.
 */
export function composeStartJob(env: Environment, options: StartJobCompositionOptions = {}) {
  return createStartJobHandler(startJobDependencies(env, options), options.logger);
}
