import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger, withMiddleware } from '../middleware/handler-kit';
import type { ObjectCreatedDetailEvent } from '../domain/output-wait';
import { wakeRunsForOutput, type OutputWakeDependencies, type OutputWakeSummary } from '../use-cases/job-output-waits';
import type { S3Event } from 'aws-lambda';

/** An S3 notification of the data bucket, or S3's "Object Created" EventBridge event (an existing bucket). */
export type JobOutputCreatedEvent = S3Event | ObjectCreatedDetailEvent;

/** Wakes the runs waiting for the `.out` objects the event names. */
export function createJobOutputCreatedHandler(deps: OutputWakeDependencies, logger: Logger = createLogger()) {
  return withMiddleware<JobOutputCreatedEvent, OutputWakeSummary>(logger, async (event) => {
    const summary = await wakeRunsForOutput(event, deps);
    logger.info('Job output created', { ...summary });
    return summary;
  });
}
