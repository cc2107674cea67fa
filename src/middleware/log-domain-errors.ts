import type { Logger } from '@aws-lambda-powertools/logger';
import type middy from '@middy/core';
import { OrchestratorError } from '../domain/errors';

/**
 * Logs an error once, at the level its kind deserves, then lets it propagate: Step Functions needs
 * the thrown error (its `name` becomes the Catch/Retry error type).
 * - final (the run's input, Personalize's verdict): a warning; the run is recorded as failed.
 * - transient (Personalize busy): info; Step Functions retries it, and only the last try matters.
 * - configuration (a deployment mistake): an error with its stack; every run fails until fixed.
 * - anything else is a bug or an outage of ours: an error with its stack.
 */
export function logDomainErrors(logger: Logger): middy.MiddlewareObj {
  const logDomainErrorsOnError: middy.MiddlewareFn = async (request) => {
    const { error } = request;
    if (!error) return;
    if (!(error instanceof OrchestratorError)) {
      logger.error('Unexpected failure', error);
      return;
    }
    switch (error.kind) {
      case 'final':
        logger.warn('Run cannot proceed', { errorType: error.name, reason: error.message });
        return;
      case 'transient':
        logger.info('Transient failure; Step Functions retries the step', { errorType: error.name, reason: error.message });
        return;
      case 'configuration':
        logger.error('Deployment misconfigured', error);
        return;
    }
  };
  return { onError: logDomainErrorsOnError };
}
