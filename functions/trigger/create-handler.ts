import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger, withMiddleware } from '../../src/middleware/handler-kit';
import type { UploadEvent } from '../../src/domain/s3-event';
import {
  startRunsForUploads,
  type UploadTriggerDependencies,
  type UploadTriggerSummary,
} from '../../src/use-cases/start-runs-for-uploads';

export function createTriggerHandler(deps: Omit<UploadTriggerDependencies, 'log'>, logger: Logger = createLogger()) {
  const log = { info: (message: string, details: Record<string, unknown>) => logger.info(message, details) };
  return withMiddleware<UploadEvent, UploadTriggerSummary>(logger, (event) => startRunsForUploads(event, { ...deps, log }));
}
