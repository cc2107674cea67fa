import { buildRunRecord, describeCaughtError, runOutcome, type RecordRequest, type RunRecord } from '../../src/domain/run';
import { executionRef, INPUT_PATH, policy, runContext, pollState, verifiedOutput } from '../support/sample-run';

const completedAt = new Date('2026-01-15T11:30:00.000Z');
const execution = executionRef('run-2026-01-15-users');

function expectNoUndefinedValues(record: RunRecord): void {
  const undefinedKeys = Object.entries(record)
    .filter(([, value]) => value === undefined)
    .map(([key]) => key);
  expect(undefinedKeys).toEqual([]);
}

/** What Lambda puts in `Cause` when a Node.js function throws. */
function lambdaCause(errorType: string, errorMessage: string): string {
  return JSON.stringify({
    errorType,
    errorMessage,
    trace: [`${errorType}: ${errorMessage}`, '    at startJob (/var/task/index.js:1:2345)', '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)'],
  });
}

describe('buildRunRecord', () => {
  it('records a succeeded run with its job, poll and output location', () => {
    // Prepare
    const request: RecordRequest = {
      execution,
      state: {
        run: runContext({ filterArn: undefined }),
        poll: pollState({ count: 6, status: 'ACTIVE', terminal: true, elapsedSeconds: 1234, waitSeconds: 0 }),
        verification: verifiedOutput(),
      },
    };

    // Act
    const record = buildRunRecord(request, completedAt);

    // Assess
    expect(record).toEqual({
      runId: 'run-2026-01-15-users',
      executionArn: execution.arn,
      status: 'SUCCEEDED',
      jobType: 'BATCH_INFERENCE',
      startedAt: '2026-01-15T10:00:00.000Z',
      completedAt: '2026-01-15T11:30:00.000Z',
      jobName: 'run-2026-01-15-users',
      jobArn: 'arn:aws:personalize:us-east-1:123456789012:batch-inference-job/run-2026-01-15-users',
      jobStatus: 'ACTIVE',
      adoptedExistingJob: false,
      jobCreatedAt: '2026-01-15T10:00:01.000Z',
      solutionVersionArn: request.state.run?.solutionVersionArn,
      inputPath: INPUT_PATH,
      jobInputPath: 's3://personalize-batch-dev-data/staging/run-2026-01-15-users/',
      outputPath: 's3://personalize-batch-dev-data/output/run-2026-01-15-users/',
      outputLocation: 's3://personalize-batch-dev-data/output/run-2026-01-15-users/users.jsonl.out',
      numResults: 25,
      pollCount: 6,
      elapsedSeconds: 1234,
      outputFiles: 1,
      records: 3,
      errorRecords: 0,
      emptyRecords: 0,
      firstErrors: [],
      inputRecords: 3,
      maxErrorRate: 0.1,
    });
    expectNoUndefinedValues(record);
  });

  it('records the source a trigger attached to the run', () => {
    // Prepare
    const source = { type: 's3', bucket: 'personalize-batch-dev-data', key: 'input/users.jsonl' };

    // Act
    const record = buildRunRecord(
      { execution, state: { run: runContext({ source }), poll: pollState({ status: 'ACTIVE' }) } },
      completedAt,
    );

    // Assess
    expect(record.source).toEqual(source);
  });

  it('records a job that ended CREATE FAILED with Personalize’s reason', () => {
    // Act
    const record = buildRunRecord(
      {
        execution,
        state: {
          run: runContext(),
          poll: pollState({ count: 3, status: 'CREATE FAILED', terminal: true, failureReason: 'Insufficient privileges for accessing data in S3' }),
        },
      },
      completedAt,
    );

    // Assess
    expect(record).toMatchObject({
      status: 'FAILED',
      jobStatus: 'CREATE FAILED',
      errorType: 'BatchInferenceJobFailed',
      failureReason: 'Insufficient privileges for accessing data in S3',
      pollCount: 3,
    });
    expect(record).not.toHaveProperty('outputLocation');
    expectNoUndefinedValues(record);
  });

  it('gives a failed job with no reason a default one', () => {
    // Act
    const record = buildRunRecord({ execution, state: { run: runContext(), poll: pollState({ status: 'CREATE FAILED', failureReason: null }) } }, completedAt);

    // Assess
    expect(record.failureReason).toBe('Personalize reported CREATE FAILED without a reason');
  });

  it('records a caught Lambda error by its type and message, not the raw JSON', () => {
    // Act
    const record = buildRunRecord(
      {
        execution,
        state: {
          run: runContext(),
          poll: pollState({ count: 2, status: 'IN PROGRESS' }),
          error: { Error: 'JobLostError', Cause: lambdaCause('JobLostError', 'Batch inference job arn:x does not exist') },
        },
      },
      completedAt,
    );

    // Assess
    expect(record).toMatchObject({
      status: 'FAILED',
      errorType: 'JobLostError',
      failureReason: 'Batch inference job arn:x does not exist',
      jobStatus: 'IN PROGRESS',
    });
    expectNoUndefinedValues(record);
  });

  it('records a start failure with no run, keeping inputPath and source from the raw state', () => {
    // Prepare
    const source = { type: 's3', key: 'input/users.jsonl' };

    // Act
    const record = buildRunRecord(
      {
        execution,
        state: {
          inputPath: INPUT_PATH,
          source,
          error: { Error: 'InvalidRunInputError', Cause: lambdaCause('InvalidRunInputError', 'Invalid run input: numResults: must be at least 1') },
        },
      },
      completedAt,
    );

    // Assess
    expect(record).toEqual({
      runId: execution.name,
      executionArn: execution.arn,
      status: 'FAILED',
      startedAt: execution.startTime,
      completedAt: completedAt.toISOString(),
      inputPath: INPUT_PATH,
      source,
      errorType: 'InvalidRunInputError',
      failureReason: 'Invalid run input: numResults: must be at least 1',
    });
  });

  it('ignores a raw inputPath or source of the wrong type', () => {
    // Act
    const record = buildRunRecord(
      { execution, state: { inputPath: 42, source: ['not', 'an', 'object'], error: { Error: 'States.Runtime' } } },
      completedAt,
    );

    // Assess
    expect(record).not.toHaveProperty('inputPath');
    expect(record).not.toHaveProperty('source');
    expect(record.failureReason).toBe('States.Runtime (no cause given)');
  });

  it('takes inputPath, source and jobGroup from the execution input when the start step left no run', () => {
    // Prepare
    const source = { type: 'schedule', name: 'nightly-users', scheduledTime: '2026-11-28T03:00:00Z' };
    const input = { inputPath: INPUT_PATH, jobGroup: 'users', source };

    // Act
    const record = buildRunRecord(
      {
        execution,
        input,
        state: { inputPath: 's3://other-bucket/ignored.jsonl', error: { Error: 'InvalidRunInputError', Cause: 'Invalid run input: jobGroup: names "users"' } },
      },
      completedAt,
    );

    // Assess
    expect(record).toMatchObject({ inputPath: INPUT_PATH, jobGroup: 'users', source });
  });

  it.each([
    ['empty', ''],
    ['over-long', 'g'.repeat(5000)],
    ['malformed', 'two words'],
  ])('leaves out a %s jobGroup the input check rejected: it keys the by-group index, which would refuse the whole write', (_label, jobGroup) => {
    // Act
    const record = buildRunRecord(
      { execution, input: { inputPath: INPUT_PATH, jobGroup }, state: { error: { Error: 'InvalidRunInputError', Cause: 'Invalid run input: jobGroup' } } },
      completedAt,
    );

    // Assess
    expect(record.jobGroup).toBeUndefined();
    expect(record.inputPath).toBe(INPUT_PATH);
  });

  it('records how long a run queued for capacity before it gave up', () => {
    // Prepare
    const since = '2026-01-15T05:30:00.000Z';

    // Act
    const record = buildRunRecord(
      {
        execution,
        input: { inputPath: INPUT_PATH },
        state: {
          queued: { since, attempts: 7, waitSeconds: 600, lastRefusal: 'limit reached', input: { inputPath: INPUT_PATH }, settings: {} },
          error: { Error: 'CapacityWaitExceededError', Cause: lambdaCause('CapacityWaitExceededError', 'Personalize stayed at its limit') },
        },
      },
      completedAt,
    );

    // Assess
    expect(record).toMatchObject({
      status: 'FAILED',
      errorType: 'CapacityWaitExceededError',
      capacityAttempts: 7,
      queuedSince: since,
      // 05:30 to 11:30.
      queuedSeconds: 6 * 3600,
    });
    expectNoUndefinedValues(record);
  });

  it('records the capacity wait and job group of a run that queued before its job started', () => {
    // Prepare
    const run = runContext({ jobGroup: 'users', capacityWait: { attempts: 2, since: '2026-01-15T09:58:00.000Z', waitedSeconds: 120 } });

    // Act
    const record = buildRunRecord({ execution, state: { run, poll: pollState({ status: 'ACTIVE' }) } }, completedAt);

    // Assess
    expect(record).toMatchObject({
      jobGroup: 'users',
      jobInputPath: run.jobInputPath,
      capacityAttempts: 2,
      queuedSince: '2026-01-15T09:58:00.000Z',
      queuedSeconds: 120,
    });
  });

  it('records a run stopped by the elapsed guard with the timeout reason', () => {
    // Act
    const record = buildRunRecord(
      {
        execution,
        state: {
          run: runContext({ polling: policy({ maxElapsedSeconds: 3600, maxPolls: 100 }) }),
          poll: pollState({ count: 12, status: 'IN PROGRESS', timedOut: true, elapsedSeconds: 3601 }),
        },
      },
      completedAt,
    );

    // Assess
    expect(record).toMatchObject({
      status: 'TIMED_OUT',
      errorType: 'RunTimedOut',
      failureReason: 'Job still IN PROGRESS after 12 status checks: maxWaitSeconds (3600s) reached after 3601s',
      pollCount: 12,
      elapsedSeconds: 3601,
    });
    expect(record).not.toHaveProperty('outputLocation');
    expectNoUndefinedValues(record);
  });

  it('records a run stopped by the poll-count guard with the timeout reason', () => {
    // Act
    const record = buildRunRecord(
      {
        execution,
        state: { run: runContext({ polling: policy({ maxPolls: 5 }) }), poll: pollState({ count: 5, status: 'PENDING', timedOut: true, elapsedSeconds: 900 }) },
      },
      completedAt,
    );

    // Assess
    expect(record).toMatchObject({ status: 'TIMED_OUT', errorType: 'RunTimedOut' });
    expect(record.failureReason).toBe('Job still PENDING after 5 status checks: maxPolls (5) reached after 900s');
  });

  it('gives a timed-out run without its run context a generic reason', () => {
    // Act
    const record = buildRunRecord({ execution, state: { poll: pollState({ count: 3, status: 'PENDING', timedOut: true }) } }, completedAt);

    // Assess
    expect(record).toMatchObject({ status: 'TIMED_OUT', errorType: 'RunTimedOut' });
    expect(record.failureReason).toBe('The run exceeded its maximum wait before the job finished');
    expectNoUndefinedValues(record);
  });

  it('leaves out jobStatus while no status was seen', () => {
    // Act
    const record = buildRunRecord(
      { execution, state: { run: runContext(), poll: pollState({ status: null }), error: { Error: 'Lambda.Unknown', Cause: 'Task timed out' } } },
      completedAt,
    );

    // Assess
    expect(record).not.toHaveProperty('jobStatus');
    expect(record.pollCount).toBe(0);
  });
});

describe('describeCaughtError', () => {
  it('returns errorMessage from a Lambda error JSON cause', () => {
    // Act & Assess
    expect(describeCaughtError({ Error: 'PersonalizeBusyError', Cause: lambdaCause('PersonalizeBusyError', 'Personalize is busy') })).toBe('Personalize is busy');
  });

  it('returns a plain-text cause trimmed', () => {
    // Act & Assess
    expect(describeCaughtError({ Error: 'States.Timeout', Cause: '  The task timed out.\n' })).toBe('The task timed out.');
  });

  it.each([
    ['JSON without errorMessage', '{"reason":"x"}'],
    ['JSON with a non-string errorMessage', '{"errorMessage":42}'],
    ['a JSON string', '"just text"'],
    ['a JSON array', '["a"]'],
  ])('returns the cause as is for %s', (_label, cause) => {
    // Act & Assess
    expect(describeCaughtError({ Error: 'E', Cause: cause })).toBe(cause);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['blank', '   '],
  ])('names the error type when the cause is %s', (_label, cause) => {
    // Act & Assess
    expect(describeCaughtError({ Error: 'Lambda.Unknown', ...(cause !== undefined && { Cause: cause }) })).toBe('Lambda.Unknown (no cause given)');
  });

  it('names the error type when a Lambda error has an empty message (an Error thrown with none)', () => {
    expect(describeCaughtError({ Error: 'TypeError', Cause: lambdaCause('TypeError', '') })).toBe('TypeError (no message given)');
  });
});

describe('runOutcome', () => {
  it.each([
    ['a caught error, even after an ACTIVE poll', { run: runContext(), poll: pollState({ status: 'ACTIVE', terminal: true }), error: { Error: 'Lambda.Unknown' } }, 'FAILED'],
    ['a caught error before any job', { error: { Error: 'InvalidRunInputError' } }, 'FAILED'],
    ['an ACTIVE job whose output passed', { run: runContext(), poll: pollState({ status: 'ACTIVE', terminal: true }), verification: verifiedOutput() }, 'SUCCEEDED'],
    ['an ACTIVE job whose output was never verified', { run: runContext(), poll: pollState({ status: 'ACTIVE', terminal: true }) }, 'FAILED'],
    [
      'an ACTIVE job whose every record failed, even with maxErrorRate 1',
      { run: runContext({ maxErrorRate: 1 }), poll: pollState({ status: 'ACTIVE', terminal: true }), verification: verifiedOutput({ errorRecords: 3, firstErrors: ['bad'] }) },
      'FAILED',
    ],
    [
      'an ACTIVE job whose output could not be read',
      {
        run: runContext(),
        poll: pollState({ status: 'ACTIVE', terminal: true }),
        verification: { verified: false, location: 's3://b/o/', error: 'AccessDenied', reason: 'denied' },
      },
      'FAILED',
    ],
    ['a CREATE FAILED job', { run: runContext(), poll: pollState({ status: 'CREATE FAILED', terminal: true }) }, 'FAILED'],
    ['a poll the guard stopped', { run: runContext(), poll: pollState({ status: 'CREATE IN_PROGRESS', timedOut: true }) }, 'TIMED_OUT'],
    ['a state with no poll and no error', {}, 'FAILED'],
  ] as const)('decides %s', (_name, state, expected) => {
    // Act & Assess
    expect(runOutcome(state)).toBe(expected);
  });

  it('fails an ACTIVE job whose every record failed, naming the first error, with the figures and no output location', () => {
    // Prepare
    const verification = verifiedOutput({ errorRecords: 3, firstErrors: ['Invalid input record: needs a "userId" string'] });

    // Act
    const record = buildRunRecord({ execution, state: { run: runContext(), poll: pollState({ status: 'ACTIVE', terminal: true }), verification } }, completedAt);

    // Assess
    expect(record).toMatchObject({
      status: 'FAILED',
      errorType: 'OutputRejected',
      failureReason: '3 of 3 records failed: Invalid input record: needs a "userId" string',
      jobStatus: 'ACTIVE',
      outputFiles: 1,
      records: 3,
      errorRecords: 3,
      emptyRecords: 0,
      firstErrors: ['Invalid input record: needs a "userId" string'],
      inputRecords: 3,
      maxErrorRate: 0.1,
    });
    expect(record.outputLocation).toBeUndefined();
  });

  it('judges the output against the run\'s own maxErrorRate', () => {
    // Prepare
    const state = (maxErrorRate: number) => ({
      run: runContext({ maxErrorRate }),
      poll: pollState({ status: 'ACTIVE', terminal: true }),
      verification: verifiedOutput({ records: 10, inputRecords: 10, errorRecords: 2, firstErrors: ['bad'] }),
    });

    // Act & Assess
    expect(buildRunRecord({ execution, state: state(0.2) }, completedAt)).toMatchObject({ status: 'SUCCEEDED', errorRecords: 2, maxErrorRate: 0.2 });
    expect(buildRunRecord({ execution, state: state(0.1) }, completedAt)).toMatchObject({
      status: 'FAILED',
      errorType: 'OutputRejected',
      failureReason: '2 of 10 records failed (more than maxErrorRate 0.1): bad',
    });
  });

  it('records output that could not be read as OutputNotVerified, with the location and S3\'s error', () => {
    // Prepare
    const reason = 'The output could not be verified: reading s3://other/out/users.jsonl.out failed with AccessDenied: Access Denied';

    // Act
    const record = buildRunRecord(
      {
        execution,
        state: {
          run: runContext(),
          poll: pollState({ status: 'ACTIVE', terminal: true }),
          verification: { verified: false, location: 's3://other/out/users.jsonl.out', error: 'AccessDenied', reason },
        },
      },
      completedAt,
    );

    // Assess
    expect(record).toMatchObject({ status: 'FAILED', errorType: 'OutputNotVerified', failureReason: reason });
    expect(record.records).toBeUndefined();
  });

  it('never records an ACTIVE job as SUCCEEDED when no verification reached the record step', () => {
    // Act
    const record = buildRunRecord({ execution, state: { run: runContext(), poll: pollState({ status: 'ACTIVE', terminal: true }) } }, completedAt);

    // Assess
    expect(record).toMatchObject({ status: 'FAILED', errorType: 'OutputNotVerified' });
  });

  it('records a run that reached the record step unfinished as a failure that says so', () => {
    // Act
    const record = buildRunRecord({ execution, state: { run: runContext(), poll: pollState({ count: 2, status: 'CREATE PENDING' }) } }, completedAt);

    // Assess
    expect(record).toMatchObject({ status: 'FAILED', errorType: 'RunEndedUnfinished', failureReason: 'The run was recorded while its job was CREATE PENDING' });
  });
});
