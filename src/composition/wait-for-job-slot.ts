import { createWaitForJobSlotHandler } from '../handlers/wait-for-job-slot';
import { slotQueueDependencies } from './job-slots';
import type { CompositionOptions, Environment } from './options';

/**
 * waitForJobSlot's composition root (`JOB_SLOTS_TABLE_NAME`, `MAX_CONCURRENT_JOBS`, `MAX_CONCURRENT_SEGMENT_JOBS`): the Lambda
 * entry point calls it with `process.env` at cold start, local mode with its own values and clients.
 *
 * @throws ConfigurationError as `slotQueueDependencies`.
 */
export function composeWaitForJobSlot(env: Environment, options: CompositionOptions = {}) {
  return createWaitForJobSlotHandler(slotQueueDependencies(env, options), options.logger);
}
