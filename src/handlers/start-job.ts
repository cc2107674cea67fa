import type { Logger } from '@aws-lambda-powertools/logger';
import { NEXT_STEP } from '../domain/next-step';
import { createLogger, withMiddleware } from '../middleware/handler-kit';
import { startJob, type StartJobDependencies, type StartJobRequest, type StartJobResult } from '../use-cases/start-job';

/** Payload the "Start job" state sends. */
export type StartJobEvent = StartJobRequest;

export function createStartJobHandler(deps: StartJobDependencies, logger: Logger = createLogger()) {
  const warn = (message: string, details: Record<string, unknown>) => logger.warn(message, details);
  return withMiddleware<StartJobEvent, StartJobResult>(logger, async (event) => {
    const result = await startJob(event, { warn, ...deps });
    if (result.next === NEXT_STEP.waitForCapacity) {
      const { attempts, since, waitSeconds, lastRefusal } = result.queued;
      logger.info('No free Personalize job slot; waiting in the queue', { runId: event.execution.name, attempts, since, waitSeconds, lastRefusal });
    } else {
      logger.info('Batch inference job started', {
        runId: result.run.runId,
        jobArn: result.run.jobArn,
        adoptedExistingJob: result.run.adoptedExistingJob,
      });
    }
    return result;
  });
}
