import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger, withMiddleware } from '../middleware/handler-kit';
import { sweepJobSlots, type SlotQueues, type SweepResult } from '../use-cases/job-slot-queue';
import type { ExecutionStatuses } from '../use-cases/ports';

/** Invoked by an EventBridge schedule rule (every 5 minutes); the event's content is not read. */
export function createSweepJobSlotsHandler(queues: SlotQueues, executions: ExecutionStatuses, logger: Logger = createLogger()) {
  return withMiddleware<unknown, SweepResult>(logger, async () => {
    const result = await sweepJobSlots(queues, executions);
    if (result.released.length > 0 || result.dropped.length > 0) logger.warn('Freed job slots and queue places of closed runs', { ...result });
    else logger.info('Job slots swept', { ...result });
    return result;
  });
}
