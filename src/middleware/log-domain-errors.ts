import type { Logger } from '@aws-lambda-powertools/logger';
import type middy from '@middy/core';
import { OrchestratorError } from '../domain/errors';

/**
 * Logs an error once, at the level it deserves, then lets it propagate: Step Functions needs the
 * thrown error (its `name` becomes the Catch/Retry error type). A domain error is the input's
 * fault and logs as a warning; anything else is ours and logs as an error with its stack.
 */
export function logDomainErrors(logger: Logger): middy.MiddlewareObj {
  const logDomainErrorsOnError: middy.MiddlewareFn = async (request) => {
    const { error } = request;
    if (error instanceof OrchestratorError) {
      logger.warn('Run cannot proceed', { errorType: error.name, reason: error.message });
    } else if (error) {
      logger.error('Unexpected failure', error);
    }
  };
  return { onError: logDomainErrorsOnError };
}
