import { PersonalizeBatchJobs } from '../adapters/personalize-jobs';
import { createGetJobStatusHandler } from '../handlers/get-job-status';
import type { GetJobStatusDependencies } from '../use-cases/get-job-status';
import { slotQueueDependencies } from './job-slots';
import { outputEventScopeFromEnv } from './output-waits';
import type { CompositionOptions, Environment } from './options';

/**
 * getJobStatus's dependencies: the Personalize client, the job slot queues (`JOB_SLOTS_TABLE_NAME`,
 * `MAX_CONCURRENT_JOBS`, `MAX_CONCURRENT_SEGMENT_JOBS`), as a job that ended frees its slot at once,
 * and where output events wake runs (`DATA_BUCKET`, `OUTPUT_PREFIX`), as a run whose output lands
 * there waits for it instead of polling.
 *
 * @throws ConfigurationError as `slotQueueDependencies`, or naming `DATA_BUCKET` / `OUTPUT_PREFIX` when missing.
 */
export function getJobStatusDependencies(env: Environment, options: CompositionOptions = {}): GetJobStatusDependencies {
  const logger = options.logger;
  return {
    jobs: new PersonalizeBatchJobs({ client: options.clients?.personalize }),
    now: options.now ?? Date.now,
    queues: slotQueueDependencies(env, options),
    outputEvents: outputEventScopeFromEnv(env),
    ...(logger && { warn: (message: string, details: Record<string, unknown>) => logger.warn(message, details) }),
  };
}

/**
 * getJobStatus's composition root: the Lambda entry point calls it with `process.env` at cold
 * start, local mode with its own values and endpoint clients.
 *
 * @example
 * export const handler = composeGetJobStatus(process.env);
 */
export function composeGetJobStatus(env: Environment, options: CompositionOptions = {}) {
  return createGetJobStatusHandler(getJobStatusDependencies(env, options), options.logger);
}
