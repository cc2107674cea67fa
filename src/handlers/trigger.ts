import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger, withMiddleware } from '../middleware/handler-kit';
import { trigger, type TriggerDependencies, type TriggerEvent, type TriggerSummary } from '../use-cases/trigger';

/** The trigger takes S3 notifications, EventBridge "Object Created" events and schedule ticks. */
export function createTriggerHandler(deps: Omit<TriggerDependencies, 'log'>, logger: Logger = createLogger()) {
  const log = { info: (message: string, details: Record<string, unknown>) => logger.info(message, details) };
  return withMiddleware<TriggerEvent, TriggerSummary>(logger, (event) => trigger(event, { ...deps, log }));
}
