import { Logger } from '@aws-lambda-powertools/logger';
import {
  CapacityWaitExceededError,
  ConfigurationError,
  InvalidRunInputError,
  JobLostError,
  JobRejectedError,
  PersonalizeBusyError,
} from '../../src/domain/errors';
import { withMiddleware } from '../../src/middleware/handler-kit';
import { lambdaContext } from '../support/lambda-context';

/** A handler that throws `error`, with every log level of its logger spied on. */
function failingHandler(error: unknown) {
  const logger = new Logger({ logLevel: 'SILENT' });
  const spies = {
    info: jest.spyOn(logger, 'info'),
    warn: jest.spyOn(logger, 'warn'),
    error: jest.spyOn(logger, 'error'),
  };
  const handler = withMiddleware(logger, async () => {
    throw error;
  });
  return { handler, spies };
}

describe('logDomainErrors', () => {
  it.each([
    ['InvalidRunInputError', new InvalidRunInputError([{ field: 'numResults', message: 'must be at least 1' }])],
    ['JobRejectedError', new JobRejectedError('Personalize rejected the job', 'ResourceNotFoundException')],
    ['CapacityWaitExceededError', new CapacityWaitExceededError('waited too long')],
    ['JobLostError', new JobLostError('gone')],
  ])('logs the final %s once as a warning and rethrows it', async (name, error) => {
    // Prepare
    const { handler, spies } = failingHandler(error);

    // Act
    const invocation = handler({}, lambdaContext());

    // Assess
    await expect(invocation).rejects.toBe(error);
    expect(spies.warn).toHaveBeenCalledTimes(1);
    expect(spies.warn).toHaveBeenCalledWith('Run cannot proceed', { errorType: name, reason: error.message });
    expect(spies.error).not.toHaveBeenCalled();
    expect(spies.info).not.toHaveBeenCalled();
  });

  it('logs a transient PersonalizeBusyError as info, since Step Functions retries it', async () => {
    // Prepare
    const error = new PersonalizeBusyError('Personalize is busy (ThrottlingException): slow down');
    const { handler, spies } = failingHandler(error);

    // Act
    const invocation = handler({}, lambdaContext());

    // Assess
    await expect(invocation).rejects.toBe(error);
    expect(spies.info).toHaveBeenCalledWith(expect.stringContaining('retries'), { errorType: 'PersonalizeBusyError', reason: error.message });
    expect(spies.warn).not.toHaveBeenCalled();
    expect(spies.error).not.toHaveBeenCalled();
  });

  it('logs a ConfigurationError as an error with the error itself, so its stack is kept', async () => {
    // Prepare
    const error = new ConfigurationError('Environment variable RUNS_TABLE_NAME is not set');
    const { handler, spies } = failingHandler(error);

    // Act
    const invocation = handler({}, lambdaContext());

    // Assess
    await expect(invocation).rejects.toBe(error);
    expect(spies.error).toHaveBeenCalledTimes(1);
    expect(spies.error).toHaveBeenCalledWith('Deployment misconfigured', error);
    expect(spies.warn).not.toHaveBeenCalled();
  });

  it('logs an error of no known kind as an unexpected failure', async () => {
    // Prepare
    const error = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    const { handler, spies } = failingHandler(error);

    // Act
    const invocation = handler({}, lambdaContext());

    // Assess
    await expect(invocation).rejects.toBe(error);
    expect(spies.error).toHaveBeenCalledWith('Unexpected failure', error);
    expect(spies.warn).not.toHaveBeenCalled();
  });

  it('logs nothing when the handler succeeds', async () => {
    // Prepare
    const logger = new Logger({ logLevel: 'SILENT' });
    const spies = [jest.spyOn(logger, 'info'), jest.spyOn(logger, 'warn'), jest.spyOn(logger, 'error')];
    const handler = withMiddleware(logger, async () => 'ok');

    // Act
    const result = await handler({}, lambdaContext());

    // Assess
    expect(result).toBe('ok');
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});
