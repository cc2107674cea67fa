import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger, withMiddleware } from '../middleware/handler-kit';
import { waitForJobSlot, type SlotQueues, type WaitForJobSlotRequest } from '../use-cases/job-slot-queue';

/** Payload the "Wait for a job slot" state sends (`lambda:invoke.waitForTaskToken`). */
export type WaitForJobSlotEvent = WaitForJobSlotRequest;

/**
 * Queues the run with its task token. Its return value is not the Task's output: the Task ends
 * when the queue hands the run a slot (SendTaskSuccess), or at its timeout.
 */
export function createWaitForJobSlotHandler(queues: SlotQueues, logger: Logger = createLogger()) {
  return withMiddleware<WaitForJobSlotEvent, { queued: true; position: number }>(logger, async (event) => {
    const result = await waitForJobSlot(event, queues);
    logger.info('Queued for a Personalize job slot', { runId: event.execution.name, position: result.position, since: event.queued.since });
    return result;
  });
}
