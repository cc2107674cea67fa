import {
  CapacityWaitExceededError,
  ConfigurationError,
  FinalRunError,
  InvalidRunInputError,
  JobLostError,
  JobRejectedError,
  NON_RETRIED_ERROR_NAMES,
  OrchestratorError,
  PersonalizeBusyError,
  TransientRunError,
} from '../../src/domain/errors';

const cause = new Error('the SDK error underneath');
const ONE_OF_EACH: OrchestratorError[] = [
  new InvalidRunInputError([{ field: 'inputPath', message: 'is required' }], { cause }),
  new JobRejectedError('rejected', 'InvalidInputException', { cause }),
  new CapacityWaitExceededError('waited too long', { cause }),
  new JobLostError('gone', { cause }),
  new PersonalizeBusyError('busy', { cause }),
  new ConfigurationError('RUNS_TABLE_NAME is not set', { cause }),
];

describe('the orchestrator errors', () => {
  it.each(ONE_OF_EACH.map((error) => [error.constructor.name, error] as const))('%s sets name to its class name literally and keeps its cause', (className, error) => {
    // Assess
    expect(error.name).toBe(className);
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(OrchestratorError);
  });

  it('sorts each error into its kind', () => {
    // Act
    const kinds = Object.fromEntries(ONE_OF_EACH.map((error) => [error.name, error.kind]));

    // Assess
    expect(kinds).toEqual({
      InvalidRunInputError: 'final',
      JobRejectedError: 'final',
      CapacityWaitExceededError: 'final',
      JobLostError: 'final',
      PersonalizeBusyError: 'transient',
      ConfigurationError: 'configuration',
    });
    expect(ONE_OF_EACH.filter((error) => error instanceof FinalRunError)).toHaveLength(4);
    expect(ONE_OF_EACH.filter((error) => error instanceof TransientRunError)).toHaveLength(1);
  });

  it('lists exactly the final and configuration errors as not retried', () => {
    // Act
    const expected = ONE_OF_EACH.filter((error) => error.kind !== 'transient').map((error) => error.name);

    // Assess
    expect([...NON_RETRIED_ERROR_NAMES].sort()).toEqual(expected.sort());
  });

  it('keeps the field issues on an InvalidRunInputError and names them in its message', () => {
    // Act
    const error = new InvalidRunInputError([
      { field: 'numResults', message: 'must be at least 1' },
      { field: '', message: 'execution input must be a JSON object' },
    ]);

    // Assess
    expect(error.issues).toHaveLength(2);
    expect(error.message).toBe('Invalid run input: numResults: must be at least 1; execution input must be a JSON object');
  });
});
