import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Event } from 'aws-lambda';
import { createLogger, withMiddleware } from '../../src/middleware/handler-kit';
import {
  startRunsForUploads,
  type UploadTriggerDependencies,
  type UploadTriggerSummary,
} from '../../src/use-cases/start-runs-for-uploads';

export function createTriggerHandler(deps: Omit<UploadTriggerDependencies, 'log'>, logger: Logger = createLogger()) {
  const log = { info: (message: string, details: Record<string, unknown>) => logger.info(message, details) };
  return withMiddleware<S3Event, UploadTriggerSummary>(logger, (event) => startRunsForUploads(event, { ...deps, log }));
}
