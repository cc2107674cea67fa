import { PersonalizeBatchJobs } from '../adapters/personalize-jobs';
import { createGetJobStatusHandler } from '../handlers/get-job-status';
import type { GetJobStatusDependencies } from '../use-cases/get-job-status';
import type { CompositionOptions, Environment } from './options';

/**
 * getJobStatus's dependencies. serverless.yml gives the function no variables of its own; the
 * environment is taken anyway so every composition root has the same shape.
 */
export function getJobStatusDependencies(_env: Environment, options: CompositionOptions = {}): GetJobStatusDependencies {
  return { jobs: new PersonalizeBatchJobs({ client: options.clients?.personalize }), now: options.now ?? Date.now };
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
