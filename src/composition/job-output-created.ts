import { createJobOutputCreatedHandler } from '../handlers/job-output-created';
import { outputWakeDependencies } from './output-waits';
import type { CompositionOptions, Environment } from './options';

/**
 * jobOutputCreated's composition root (`OUTPUT_WAITS_TABLE_NAME`, `DATA_BUCKET`, `OUTPUT_PREFIX`):
 * the Lambda entry point calls it with `process.env`, local mode with its own values and clients.
 *
 * @throws ConfigurationError naming a variable that is missing.
 */
export function composeJobOutputCreated(env: Environment, options: CompositionOptions = {}) {
  return createJobOutputCreatedHandler(outputWakeDependencies(env, options), options.logger);
}
