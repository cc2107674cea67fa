import { createSweepJobSlotsHandler } from '../handlers/sweep-job-slots';
import { slotQueueDependencies } from './job-slots';
import type { CompositionOptions, Environment } from './options';

/**
 * sweepJobSlots's composition root (`JOB_SLOTS_TABLE_NAME`, `MAX_CONCURRENT_JOBS`, `MAX_CONCURRENT_SEGMENT_JOBS`): the Lambda
 * entry point calls it with `process.env` at cold start, local mode with its own values and clients.
 *
 * @throws ConfigurationError as `slotQueueDependencies`.
 */
export function composeSweepJobSlots(env: Environment, options: CompositionOptions = {}) {
  const queues = slotQueueDependencies(env, options);
  return createSweepJobSlotsHandler(queues, queues.tasks, options.logger);
}
