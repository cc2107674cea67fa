import { CreateBatchInferenceJobCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import type { SFNClient } from '@aws-sdk/client-sfn';
import validate from 'asl-validator';
import definition from '../../statemachine/batch-inference.asl.json';
import { NON_RETRIED_ERROR_NAMES } from '../../src/domain/errors';
import { NEXT_STEP } from '../../src/domain/next-step';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';
import { startLocalEnvironment, type LocalEnvironment } from '../../src/local/local-environment';
import { historyOf, jsonLines, readS3Text, runManually, sfnClientFor, withLocalEnvironment } from '../support/local-run';

const USERS = ['user-001', 'user-002', 'user-003'].map((userId) => JSON.stringify({ userId })).join('\n');
const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.TooManyRequestsException',
];

type AslState = {
  Type: string;
  Next?: string;
  Default?: string;
  Choices?: Array<{ Variable: string; StringEquals?: string; Next: string }>;
  Retry?: Array<Record<string, unknown> & { ErrorEquals: string[] }>;
  Catch?: Array<{ ErrorEquals: string[]; ResultPath?: string | null; Next: string }>;
  [key: string]: unknown;
};
const states = definition.States as unknown as Record<string, AslState>;
const tasks = Object.entries(states).filter(([, state]) => state.Type === 'Task');

describe('the state machine definition', () => {
  it('is valid ASL', () => {
    // Prepare: asl-validator mutates what it validates.
    const candidate = structuredClone(definition);

    // Act
    const result = validate(candidate);

    // Assess
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it.each(tasks)(
    'retries Lambda transient errors with backoff and full jitter in "%s"',
    (_name, state) => {
      const lambdaRetrier = state.Retry?.find((retrier) =>
        LAMBDA_TRANSIENT_ERRORS.every((error) => (retrier.ErrorEquals as string[]).includes(error)),
      );
      expect(lambdaRetrier).toMatchObject({ JitterStrategy: 'FULL', BackoffRate: expect.any(Number), MaxAttempts: expect.any(Number) });
      expect(lambdaRetrier?.BackoffRate as number).toBeGreaterThan(1);
    },
  );

  it('keeps States.ALL alone and last wherever it catches', () => {
    for (const state of Object.values(states)) {
      const catchers = state.Catch ?? [];
      catchers.forEach((catcher, index) => {
        if (catcher.ErrorEquals.includes('States.ALL')) {
          expect(catcher.ErrorEquals).toEqual(['States.ALL']);
          expect(index).toBe(catchers.length - 1);
        }
      });
    }
  });

  it.each(tasks)('never retries the errors the domain lists as final or configuration in "%s"', (_name, state) => {
    // Act
    const [first] = state.Retry ?? [];

    // Assess: first, so no later retrier (States.TaskFailed) matches them.
    expect(first).toEqual({ ErrorEquals: expect.any(Array), MaxAttempts: 0 });
    expect([...(first?.ErrorEquals ?? [])].sort()).toEqual([...NON_RETRIED_ERROR_NAMES].sort());
    expect(new Set(first?.ErrorEquals).size).toBe(first?.ErrorEquals.length);
  });

  it('gives every Task the same Retry policy, plus a longer backoff for PersonalizeBusyError in "Get job status"', () => {
    // Prepare
    const busy = (retrier: { ErrorEquals: string[] }) => retrier.ErrorEquals.includes('PersonalizeBusyError');
    const WAIT_FOR_SLOT = 'Wait for a job slot';
    const WAIT_FOR_OUTPUT = 'Wait for job output';
    const [reference, ...others] = tasks
      .filter(([name]) => name !== WAIT_FOR_SLOT && name !== WAIT_FOR_OUTPUT)
      .map(([, state]) => (state.Retry ?? []).filter((retrier) => !busy(retrier)));
    // The wait's own timeouts (its deadline, its heartbeat) are caught, never retried; the rest is the same policy.
    const waitRetry = states[WAIT_FOR_SLOT]?.Retry ?? [];
    const outputWaitRetry = states[WAIT_FOR_OUTPUT]?.Retry ?? [];

    // Act
    const busyRetriers = Object.fromEntries(tasks.map(([name, state]) => [name, (state.Retry ?? []).filter(busy)]));

    // Assess
    expect(tasks.length).toBeGreaterThanOrEqual(3);
    for (const other of others) expect(other).toEqual(reference);
    expect(reference?.map((retrier) => retrier.ErrorEquals)).toEqual([
      [...NON_RETRIED_ERROR_NAMES],
      LAMBDA_TRANSIENT_ERRORS,
      ['Lambda.Unknown', 'States.Timeout'],
      ['States.TaskFailed'],
    ]);
    expect(waitRetry.map((retrier) => retrier.ErrorEquals)).toEqual([
      [...NON_RETRIED_ERROR_NAMES],
      LAMBDA_TRANSIENT_ERRORS,
      ['States.Timeout', 'States.HeartbeatTimeout'],
      ['Lambda.Unknown'],
      ['States.TaskFailed'],
    ]);
    expect(waitRetry[2]).toEqual({ ErrorEquals: ['States.Timeout', 'States.HeartbeatTimeout'], MaxAttempts: 0 });
    // The output wait's timeout is the safety poll: caught (to "Get job status"), never retried; it has no heartbeat.
    expect(outputWaitRetry).toEqual([waitRetry[0], waitRetry[1], { ErrorEquals: ['States.Timeout'], MaxAttempts: 0 }, waitRetry[3], waitRetry[4]]);
    expect(busyRetriers).toEqual({
      'Start job': [],
      'Wait for a job slot': [],
      'Get job status': [expect.objectContaining({ ErrorEquals: ['PersonalizeBusyError'], IntervalSeconds: 30, MaxDelaySeconds: 600 })],
      'Wait for job output': [],
      'Verify output': [],
      'Record run': [],
    });
    // A busy retrier after States.TaskFailed would never match.
    const getJobStatusRetry = states['Get job status']?.Retry ?? [];
    expect(getJobStatusRetry.findIndex(busy)).toBeLessThan(getJobStatusRetry.findIndex((retrier) => retrier.ErrorEquals.includes('States.TaskFailed')));
  });

  it('catches every error of "Start job", "Get job status" and "Verify output" once, into "Record run", and nothing of "Record run"', () => {
    // Act
    const catchers = Object.fromEntries(tasks.map(([name, state]) => [name, state.Catch]));

    // Assess
    const toRecord = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Record run' }];
    expect(catchers).toEqual({
      'Start job': toRecord,
      // Its deadline or a lost wake-up goes back to Start job, which takes a free slot or ends the run naming its place.
      'Wait for a job slot': [{ ErrorEquals: ['States.Timeout', 'States.HeartbeatTimeout'], ResultPath: null, Next: 'Start job' }, ...toRecord],
      'Get job status': toRecord,
      // Its timeout is the safety poll: the run checks its job anyway.
      'Wait for job output': [{ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'Get job status' }, ...toRecord],
      'Verify output': toRecord,
      'Record run': undefined,
    });
  });

  it('records every ending in one "Record run" step and ends in one Succeed or one Fail built from the record', () => {
    // Act
    const byType = (type: string) => Object.keys(states).filter((name) => states[name]?.Type === type);

    // Assess
    expect(byType('Task')).toEqual(['Start job', 'Wait for a job slot', 'Get job status', 'Wait for job output', 'Verify output', 'Record run']);
    expect(byType('Succeed')).toEqual(['Run succeeded']);
    expect(byType('Fail')).toEqual(['Run failed']);
    expect(states['Run failed']).toEqual({ Type: 'Fail', ErrorPath: '$.errorType', CausePath: '$.failureReason' });
    expect(states['Record run']?.Next).toBe('Run succeeded?');
    expect(states['Run succeeded?']).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.status', StringEquals: 'SUCCEEDED', Next: 'Run succeeded' }],
      Default: 'Run failed',
    });
    // The record step decides the outcome: no state hands it one.
    expect(JSON.stringify(states['Record run'])).not.toContain('outcome');
  });

  it('routes the loop on the decision the Tasks return, in the domain\'s own words', () => {
    // Assess
    expect(states['Start job']?.Next).toBe('Job started?');
    expect(states['Job started?']).toEqual({
      Type: 'Choice',
      Choices: [
        { Variable: '$.next', StringEquals: NEXT_STEP.waitForCapacity, Next: 'Wait for a job slot' },
        // A job whose output lands in the data bucket is waited for from the first wait on.
        { Variable: '$.next', StringEquals: NEXT_STEP.waitForOutput, Next: 'Wait for job output' },
      ],
      Default: 'Wait for next poll',
    });
    expect(states['Wait for a job slot']).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      TimeoutSecondsPath: '$.queued.waitSeconds',
      HeartbeatSeconds: 3600,
      ResultPath: null,
      Parameters: { Payload: { 'taskToken.$': '$$.Task.Token', 'queued.$': '$.queued' } },
      Next: 'Start job',
    });
    expect(states['Wait for next poll']).toMatchObject({ SecondsPath: '$.poll.waitSeconds', Next: 'Get job status' });
    expect(states['Get job status']?.Next).toBe('Job complete?');
    expect(states['Job complete?']).toEqual({
      Type: 'Choice',
      Choices: [
        { Variable: '$.next', StringEquals: NEXT_STEP.poll, Next: 'Wait for next poll' },
        { Variable: '$.next', StringEquals: NEXT_STEP.waitForOutput, Next: 'Wait for job output' },
        { Variable: '$.next', StringEquals: NEXT_STEP.verify, Next: 'Verify output' },
      ],
      Default: 'Record run',
    });
    // The safety poll is the wait's timeout; the wake-up's object reaches "Get job status" inside $.poll,
    // a path that always exists (a JSONPath to a missing field fails on AWS with States.Runtime).
    expect(states['Wait for job output']).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      TimeoutSecondsPath: '$.poll.waitSeconds',
      ResultPath: '$.poll.outputSeen',
      Parameters: { Payload: { 'taskToken.$': '$$.Task.Token', 'outputLocation.$': '$.run.outputLocation', 'waitSeconds.$': '$.poll.waitSeconds' } },
      Next: 'Get job status',
    });
    expect(states['Wait for job output']).not.toHaveProperty('HeartbeatSeconds');
    expect(states['Get job status']).toMatchObject({ Parameters: { Payload: { 'run.$': '$.run', 'poll.$': '$.poll' } } });
    expect(states['Verify output']).toMatchObject({ Next: 'Record run', Parameters: { Payload: { 'run.$': '$.run', 'poll.$': '$.poll' } } });
    // No Choice re-derives the job's phase from Personalize's status strings.
    expect(JSON.stringify(definition)).not.toMatch(/ACTIVE|CREATE FAILED/);
  });

  it('hands "Start job" a queued path that exists on the first attempt too', () => {
    // Assess: JSONPath to a missing field fails on AWS with States.Runtime.
    expect(states['Receive run request']).toMatchObject({ Type: 'Pass', Result: { queued: null }, Next: 'Start job' });
    expect(states['Start job']).toMatchObject({ Parameters: { Payload: { 'input.$': '$$.Execution.Input', 'queued.$': '$.queued' } } });
  });

  it('gives "Verify output" a Task timeout above its function\'s Lambda timeout (900 s, the maximum)', () => {
    expect(states['Verify output']?.TimeoutSeconds).toBeGreaterThan(900);
  });

  it('has an execution-level timeout as the backstop for the in-loop guard', () => {
    expect(definition.TimeoutSeconds).toBeGreaterThanOrEqual(6 * 24 * 3600);
  });
});

describe('a run through the local engine and stand-ins', () => {
  let environment: LocalEnvironment;
  let sfn: SFNClient;

  beforeAll(async () => {
    environment = await startLocalEnvironment({ jobDurations: { pendingMs: 90_000, inProgressMs: 600_000 } });
    sfn = sfnClientFor(environment);
  });

  afterAll(async () => {
    sfn.destroy();
    await environment.close();
  });

  it('goes from an uploaded file to a SUCCEEDED record and an output file', async () => {
    // Act
    await environment.upload('input/weekly users.jsonl', USERS);
    const [summary] = await environment.triggersSettled();
    const started = summary?.started[0];
    if (!started) throw new Error(`no run started: ${JSON.stringify(summary)}`);
    const execution = await environment.stepFunctions.waitForExecution(started.executionArn);
    const record = await environment.getRunRecord(started.executionName);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(record).toMatchObject({
      runId: started.executionName,
      status: 'SUCCEEDED',
      jobStatus: 'ACTIVE',
      inputPath: `s3://${environment.bucket}/input/weekly users.jsonl`,
      outputLocation: `s3://${environment.bucket}/output/${started.executionName}/weekly users.jsonl.out`,
    });
    expect(record?.pollCount).toBeGreaterThan(1);
    expect(JSON.parse(execution.output ?? 'null')).toMatchObject({ runId: started.executionName, status: 'SUCCEEDED' });
    const entered = (await historyOf(sfn, started.executionArn)).flatMap((event) => (event.type?.endsWith('StateEntered') ? [event.stateEnteredEventDetails?.name] : []));
    // The output lands in the data bucket: its object-created event ends the first wait.
    expect(entered.slice(0, 6)).toEqual(['Receive run request', 'Start job', 'Job started?', 'Wait for job output', 'Get job status', 'Job complete?']);
    expect(entered.slice(-5)).toEqual(['Job complete?', 'Verify output', 'Record run', 'Run succeeded?', 'Run succeeded']);
    expect(record).toMatchObject({ outputFiles: 1, records: 3, errorRecords: 0, emptyRecords: 0, firstErrors: [], inputRecords: 3, maxErrorRate: 0.1 });
    expect(entered.filter((name) => name === 'Record run')).toHaveLength(1);
    const output = jsonLines(await readS3Text(environment, record?.outputLocation ?? ''));
    expect(output).toHaveLength(3);
    expect(output[0]).toMatchObject({ input: { userId: 'user-001' }, error: null, output: { recommendedItems: expect.any(Array) } });
  });

  it('records a CREATE FAILED job with Personalize failure reason and fails with it as the cause', async () => {
    // Prepare
    const key = 'input/not-json-lines.jsonl';
    await environment.upload(key, 'userId,itemId\nuser-001,item-001\n');
    const summaries = await environment.triggersSettled();
    const started = summaries.flatMap((summary) => summary.started).find((run) => run.key === key);
    if (!started) throw new Error('no run started');

    // Act
    const execution = await environment.stepFunctions.waitForExecution(started.executionArn);
    const record = await environment.getRunRecord(started.executionName);

    // Assess
    expect(record).toMatchObject({ status: 'FAILED', jobStatus: 'CREATE FAILED', errorType: 'BatchInferenceJobFailed' });
    expect(record?.failureReason).toMatch(/JSON/);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'BatchInferenceJobFailed', cause: record?.failureReason });
  });

  it('catches invalid input, records the reasons per field and starts no job', async () => {
    // Prepare
    const jobsBefore = environment.personalize.jobs().length;

    // Act
    const execution = await runManually(environment, sfn, 'manual-bad-input', {
      inputPath: 'input/users.jsonl',
      numResults: 0,
      colour: 'blue',
    });
    const record = await environment.getRunRecord('manual-bad-input');

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'InvalidRunInputError' });
    expect(record).toMatchObject({ status: 'FAILED', errorType: 'InvalidRunInputError' });
    expect(record?.failureReason).toContain('inputPath: must be an S3 URI');
    expect(record?.failureReason).toContain('numResults: must be at least 1');
    expect(record?.failureReason).toContain('colour: is not a known field');
    expect(execution.cause).toBe(record?.failureReason);
    expect(environment.personalize.jobs()).toHaveLength(jobsBefore);
  });

  it('records a job Personalize rejects (unknown solution version) as a failed run', async () => {
    // Act
    const execution = await runManually(environment, sfn, 'manual-unknown-solution', {
      inputPath: `s3://${environment.bucket}/input/weekly users.jsonl`,
      solutionVersionArn: 'arn:aws:personalize:us-east-1:123456789012:solution/does-not-exist/abc',
    });
    const record = await environment.getRunRecord('manual-unknown-solution');

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'JobRejectedError' });
    expect(record).toMatchObject({ status: 'FAILED', errorType: 'JobRejectedError' });
    expect(record?.failureReason).toContain('ResourceNotFoundException');
  });

  it('ends a run whose job outlives maxWaitSeconds as a recorded TIMED_OUT failure', async () => {
    // Prepare: a job that takes far longer than the run is allowed to wait.
    await withLocalEnvironment({ jobDurations: { pendingMs: 60_000, inProgressMs: 30 * 24 * 3600_000 } }, async (slow, slowSfn) => {
      await slow.upload('manual/users.jsonl', USERS);

      // Act
      const execution = await runManually(slow, slowSfn, 'manual-times-out', {
        inputPath: `s3://${slow.bucket}/manual/users.jsonl`,
        maxWaitSeconds: 3600,
      });
      const record = await slow.getRunRecord('manual-times-out');

      // Assess
      expect(execution).toMatchObject({ status: 'FAILED', error: 'RunTimedOut' });
      expect(record).toMatchObject({ status: 'TIMED_OUT', errorType: 'RunTimedOut', jobStatus: 'CREATE IN_PROGRESS' });
      expect(record?.elapsedSeconds).toBeGreaterThanOrEqual(3600);
      // The guard clips the last wait to the deadline instead of overshooting by a whole interval.
      expect(record?.elapsedSeconds).toBeLessThan(3600 + 60);
      expect(record?.failureReason).toContain('maxWaitSeconds (3600s)');
    });
  });

  it('ends a run that reaches maxPolls as TIMED_OUT', async () => {
    await withLocalEnvironment({ jobDurations: { pendingMs: 60_000, inProgressMs: 30 * 24 * 3600_000 } }, async (slow, slowSfn) => {
      await slow.upload('manual/users.jsonl', USERS);
      const execution = await runManually(slow, slowSfn, 'manual-max-polls', {
        inputPath: `s3://${slow.bucket}/manual/users.jsonl`,
        maxPolls: 3,
      });
      const record = await slow.getRunRecord('manual-max-polls');
      expect(execution.error).toBe('RunTimedOut');
      expect(record).toMatchObject({ status: 'TIMED_OUT', pollCount: 3 });
      expect(record?.failureReason).toContain('maxPolls (3)');
    });
  });

  it('refuses to adopt a job of the same user-chosen name that belongs to a different request', async () => {
    // Prepare: someone else's job already took the name this run asks for.
    const personalize = new PersonalizeClient({ endpoint: environment.endpoints.personalize, region: environment.region, credentials: LOCAL_CREDENTIALS });
    await personalize.send(
      new CreateBatchInferenceJobCommand({
        jobName: 'weekly-users-by-hand',
        solutionVersionArn: environment.personalize.catalog.solutionVersions[0]?.arn,
        roleArn: environment.personalizeRoleArn,
        jobInput: { s3DataSource: { path: `s3://${environment.bucket}/input/other.jsonl` } },
        jobOutput: { s3DataDestination: { path: `s3://${environment.bucket}/output/elsewhere/` } },
      }),
    );
    personalize.destroy();

    // Act
    const execution = await runManually(environment, sfn, 'manual-name-taken', {
      inputPath: `s3://${environment.bucket}/input/weekly users.jsonl`,
      jobName: 'weekly-users-by-hand',
    });
    const record = await environment.getRunRecord('manual-name-taken');

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'JobRejectedError' });
    expect(record?.failureReason).toMatch(/already used by a different batch inference job.*inputPath/);
  });
});

describe('Lambda transient errors', () => {
  it('adopts the job its first attempt created when that attempt\'s response was lost', async () => {
    // Prepare: the first start creates the job, then its response is lost (as in a Lambda timeout).
    await withLocalEnvironment({
      jobDurations: { pendingMs: 30_000, inProgressMs: 30_000 },
      injectFault: (functionKey, invocation) => (functionKey === 'startJob' && invocation === 1 ? { error: 'Lambda.Unknown', afterHandler: true } : undefined),
    }, async (environment, sfn) => {
      await environment.upload('manual/users.jsonl', USERS);

      // Act
      const execution = await runManually(environment, sfn, 'manual-lost-response', { inputPath: `s3://${environment.bucket}/manual/users.jsonl` });
      const history = await historyOf(sfn, execution.executionArn);
      const record = await environment.getRunRecord('manual-lost-response');

      // Assess
      expect(history.filter((event) => event.type === 'TaskFailed').map((event) => event.taskFailedEventDetails?.error)).toEqual(['Lambda.Unknown']);
      expect(execution.status).toBe('SUCCEEDED');
      expect(record).toMatchObject({ status: 'SUCCEEDED', adoptedExistingJob: true });
      expect(environment.personalize.jobs()).toHaveLength(1);
    });
  });

  it('retries a throttled invocation and the run still succeeds', async () => {
    // Prepare: the first status check is throttled by Lambda itself.
    await withLocalEnvironment({
      jobDurations: { pendingMs: 30_000, inProgressMs: 30_000 },
      injectFault: (functionKey, invocation) =>
        functionKey === 'getJobStatus' && invocation === 1 ? 'Lambda.TooManyRequestsException' : undefined,
    }, async (environment, sfn) => {
      // Outside the input prefix: only the manual start runs it.
      await environment.upload('manual/users.jsonl', USERS);

      // Act
      const execution = await runManually(environment, sfn, 'manual-throttled', { inputPath: `s3://${environment.bucket}/manual/users.jsonl` });
      const history = await historyOf(sfn, execution.executionArn);

      // Assess
      expect(execution.status).toBe('SUCCEEDED');
      const failures = history.filter((event) => event.type === 'TaskFailed');
      expect(failures).toHaveLength(1);
      expect(failures[0]?.taskFailedEventDetails?.error).toBe('Lambda.TooManyRequestsException');
      expect(await environment.getRunRecord('manual-throttled')).toMatchObject({ status: 'SUCCEEDED' });
    });
  });

  it('retries a failure of the function code itself (a network timeout), so one bad poll does not end the run', async () => {
    await withLocalEnvironment({
      jobDurations: { pendingMs: 30_000, inProgressMs: 30_000 },
      injectFault: (functionKey, invocation) => (functionKey === 'getJobStatus' && invocation <= 2 ? 'TimeoutError' : undefined),
    }, async (environment, sfn) => {
      await environment.upload('manual/users.jsonl', USERS);

      const execution = await runManually(environment, sfn, 'manual-flaky-network', { inputPath: `s3://${environment.bucket}/manual/users.jsonl` });
      const history = await historyOf(sfn, execution.executionArn);

      expect(history.filter((event) => event.type === 'TaskFailed').map((event) => event.taskFailedEventDetails?.error)).toEqual(['TimeoutError', 'TimeoutError']);
      expect(execution.status).toBe('SUCCEEDED');
    });
  });

  it('never retries a domain error: bad input fails on its first attempt', async () => {
    await withLocalEnvironment({}, async (environment, sfn) => {
      const execution = await runManually(environment, sfn, 'manual-no-retry', { inputPath: 'not-s3' });
      const history = await historyOf(sfn, execution.executionArn);

      expect(history.filter((event) => event.type === 'TaskFailed').map((event) => event.taskFailedEventDetails?.error)).toEqual(['InvalidRunInputError']);
      expect(execution.error).toBe('InvalidRunInputError');
    });
  });

  it('completes the record of an execution that failed where no Catch could record it', async () => {
    // Prepare: the record step itself keeps failing, so the state machine cannot record the run.
    await withLocalEnvironment({
      jobDurations: { pendingMs: 30_000, inProgressMs: 30_000 },
      injectFault: (functionKey) => (functionKey === 'recordRun' ? 'Lambda.ServiceException' : undefined),
    }, async (environment, sfn) => {
      await environment.upload('manual/users.jsonl', USERS);

      // Act
      const execution = await runManually(environment, sfn, 'manual-unrecordable', { inputPath: `s3://${environment.bucket}/manual/users.jsonl` });
      await environment.closedExecutionsSettled();
      const record = await environment.getRunRecord('manual-unrecordable');

      // Assess: the record was RUNNING (the start step marked it); the closed-execution event ends it.
      expect(execution).toMatchObject({ status: 'FAILED', error: 'Lambda.ServiceException' });
      expect(record).toMatchObject({ status: 'FAILED', errorType: 'Lambda.ServiceException', jobArn: expect.any(String), executionArn: execution.executionArn });
    });
  });

  it('leaves a run that recorded its own failure as it recorded it', async () => {
    await withLocalEnvironment({}, async (environment, sfn) => {
      const execution = await runManually(environment, sfn, 'manual-recorded-failure', { inputPath: 'not-s3' });
      await environment.closedExecutionsSettled();
      const record = await environment.getRunRecord('manual-recorded-failure');

      expect(execution.status).toBe('FAILED');
      expect(record).toMatchObject({ status: 'FAILED', errorType: 'InvalidRunInputError', failureReason: expect.stringContaining('inputPath') });
    });
  });

  it('records a failed run when a Lambda error outlasts its retries', async () => {
    await withLocalEnvironment({
      injectFault: (functionKey) => (functionKey === 'getJobStatus' ? 'Lambda.ServiceException' : undefined),
    }, async (environment, sfn) => {
      // Outside the input prefix: only the manual start runs it.
      await environment.upload('manual/users.jsonl', USERS);
      const execution = await runManually(environment, sfn, 'manual-lambda-down', { inputPath: `s3://${environment.bucket}/manual/users.jsonl` });
      const history = await historyOf(sfn, execution.executionArn);
      const record = await environment.getRunRecord('manual-lambda-down');

      // 1 attempt + 6 retries, then caught and recorded.
      expect(history.filter((event) => event.type === 'TaskFailed')).toHaveLength(7);
      expect(record).toMatchObject({ status: 'FAILED', errorType: 'Lambda.ServiceException' });
      expect(execution).toMatchObject({ status: 'FAILED', error: 'Lambda.ServiceException' });
    });
  });
});
