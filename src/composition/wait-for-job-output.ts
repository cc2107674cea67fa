import { S3OutputObjects } from '../adapters/output-objects';
import { createWaitForJobOutputHandler } from '../handlers/wait-for-job-output';
import type { OutputWaitDependencies } from '../use-cases/job-output-waits';
import { outputWakeDependencies } from './output-waits';
import type { CompositionOptions, Environment } from './options';

/**
 * waitForJobOutput's dependencies: the output waits table (`OUTPUT_WAITS_TABLE_NAME`), the data
 * bucket's output prefix (`DATA_BUCKET`, `OUTPUT_PREFIX`), S3 (to look for output already written)
 * and Step Functions (to wake a run whose output is already there).
 *
 * @throws ConfigurationError naming a variable that is missing.
 */
export function waitForJobOutputDependencies(env: Environment, options: CompositionOptions = {}): OutputWaitDependencies {
  return { ...outputWakeDependencies(env, options), objects: new S3OutputObjects({ client: options.clients?.s3 }), now: options.now ?? Date.now };
}

/** waitForJobOutput's composition root: the Lambda entry point calls it with `process.env`, local mode with its own values and clients. */
export function composeWaitForJobOutput(env: Environment, options: CompositionOptions = {}) {
  return createWaitForJobOutputHandler(waitForJobOutputDependencies(env, options), options.logger);
}
