import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logDomainErrors } from './log-domain-errors';

export const SERVICE_NAME = 'personalize-batch-orchestrator';

export function createLogger(): Logger {
  return new Logger({ serviceName: SERVICE_NAME });
}

/**
 * Every handler gets the same middleware stack: the Lambda context in each log line, then one log
 * line per failure. The business function stays a plain async function of the event.
 */
export function withMiddleware<TEvent, TResult>(
  logger: Logger,
  handle: (event: TEvent) => Promise<TResult>,
): middy.MiddyfiedHandler<TEvent, TResult, Error, Context> {
  return middy<TEvent, TResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logDomainErrors(logger))
    .handler((event) => handle(event));
}
