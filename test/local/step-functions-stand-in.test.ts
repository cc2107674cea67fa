import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  type GetExecutionHistoryCommandInput,
  type HistoryEvent,
  ListExecutionsCommand,
  type ListExecutionsCommandInput,
  ListStateMachinesCommand,
  paginateGetExecutionHistory,
  paginateListExecutions,
  SFNClient,
  StartExecutionCommand,
  type StartExecutionCommandInput,
} from '@aws-sdk/client-sfn';
import { VirtualClock } from '../../src/local/clock';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';
import {
  FORBIDDEN_NAME_CHARACTERS,
  MAX_HISTORY_EVENTS,
  StandInConfigurationError,
  startStepFunctionsStandIn,
  type ExecutionOutcome,
  type ExecutionRequest,
  type ExecutionRunner,
  type RunnerHistoryEvent,
  type StandInStateMachine,
  type StepFunctionsStandIn,
} from '../../src/local/step-functions';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/local-step-functions`;
const DEFINITION = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });
const START_MS = Date.UTC(2026, 0, 1);

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

interface ControlledRun {
  request: ExecutionRequest;
  emit(event: RunnerHistoryEvent): void;
  settle(outcome: ExecutionOutcome): void;
  reject(reason: unknown): void;
}

/** A runner whose executions stay RUNNING until the test settles them. */
class ControlledRunner {
  readonly requests: ExecutionRequest[] = [];
  private readonly runs = new Map<string, Deferred<ControlledRun>>();

  readonly runner: ExecutionRunner = (request, emit) => {
    this.requests.push(request);
    const outcome = deferred<ExecutionOutcome>();
    this.slot(request.executionArn).resolve({ request, emit, settle: outcome.resolve, reject: outcome.reject });
    return outcome.promise;
  };

  /** Resolves once the runner has been called for the execution. */
  run(executionArn: string): Promise<ControlledRun> {
    return this.slot(executionArn).promise;
  }

  callsFor(executionArn: string): number {
    return this.requests.filter((request) => request.executionArn === executionArn).length;
  }

  private slot(executionArn: string): Deferred<ControlledRun> {
    let slot = this.runs.get(executionArn);
    if (!slot) {
      slot = deferred<ControlledRun>();
      this.runs.set(executionArn, slot);
    }
    return slot;
  }
}

function stateMachine(name: string, runner: ExecutionRunner): StandInStateMachine {
  return { name, definition: DEFINITION, roleArn: ROLE_ARN, runner };
}

function client(endpoint: string): SFNClient {
  return new SFNClient({ endpoint, region: REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
}

const uniqueName = (() => {
  let counter = 0;
  return (prefix: string): string => `${prefix}-${++counter}`;
})();

describe('Step Functions stand-in', () => {
  const clock = new VirtualClock(START_MS);
  const controlled = new ControlledRunner();
  const unhandledRejections: unknown[] = [];
  const onUnhandledRejection = (reason: unknown): void => {
    unhandledRejections.push(reason);
  };
  let standIn: StepFunctionsStandIn;
  let sfn: SFNClient;

  const start = (input: StartExecutionCommandInput) => sfn.send(new StartExecutionCommand(input));
  const describeExecution = (executionArn: string) => sfn.send(new DescribeExecutionCommand({ executionArn }));
  const history = async (executionArn: string, input: Partial<GetExecutionHistoryCommandInput> = {}) =>
    (await sfn.send(new GetExecutionHistoryCommand({ executionArn, ...input }))).events ?? [];
  const arnOf = (name: string) => standIn.stateMachineArn(name);

  /** Settles a controlled execution and waits until the stand-in has recorded its end. */
  async function finish(executionArn: string, outcome: ExecutionOutcome = { status: 'SUCCEEDED', output: '{}' }) {
    (await controlled.run(executionArn)).settle(outcome);
    return standIn.waitForExecution(executionArn);
  }

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandledRejection);
    standIn = await startStepFunctionsStandIn({
      clock,
      stateMachines: [
        stateMachine('controlled', controlled.runner),
        stateMachine('other', controlled.runner),
        stateMachine('listed', controlled.runner),
        stateMachine('throws', () => {
          throw new Error('runner exploded');
        }),
        stateMachine('rejects', async () => {
          throw new Error('runner rejected');
        }),
        stateMachine('rejects-with-string', () => Promise.reject('plain string reason')),
        stateMachine('resolves-nothing', async () => undefined as unknown as ExecutionOutcome),
        stateMachine('resolves-non-json', async () => ({ status: 'SUCCEEDED', output: 'not json' })),
      ],
    });
    sfn = client(standIn.endpoint);
  });

  afterAll(async () => {
    sfn.destroy();
    await standIn.close();
    process.off('unhandledRejection', onUnhandledRejection);
  });

  describe('StartExecution', () => {
    it('answers with the execution ARN and start date before the execution ends', async () => {
      // Prepare
      const name = uniqueName('start');

      // Act
      const started = await start({ stateMachineArn: arnOf('controlled'), name, input: '{"a":1}' });

      // Assess
      expect(started.executionArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:execution:controlled:${name}`);
      expect(started.startDate).toEqual(new Date(clock.now()));
      const run = await controlled.run(started.executionArn!);
      expect(run.request).toEqual({
        executionArn: started.executionArn,
        stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:controlled`,
        name,
        input: '{"a":1}',
        startDate: started.startDate,
      });
      const running = await describeExecution(started.executionArn!);
      expect(running.status).toBe('RUNNING');
      expect(running).not.toHaveProperty('stopDate');
      expect(running).not.toHaveProperty('output');
      expect(running).not.toHaveProperty('error');
      await expect(finish(started.executionArn!)).resolves.toMatchObject({ status: 'SUCCEEDED' });
    });

    it('names an unnamed execution with a UUID and gives it "{}" as input', async () => {
      // Act
      const { executionArn } = await start({ stateMachineArn: arnOf('controlled') });

      // Assess
      const described = await describeExecution(executionArn!);
      expect(described.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(executionArn!.endsWith(`:${described.name}`)).toBe(true);
      expect(described.input).toBe('{}');
      await finish(executionArn!);
    });

    it.each([
      ...FORBIDDEN_NAME_CHARACTERS.map((character) => [`'${character}'`, `bad${character}name`]),
      ['a space', 'bad name'],
      ['a tab', 'bad\tname'],
      ['a line feed', 'bad\nname'],
      ['a no-break space', 'bad\u00a0name'],
      ['a NUL', 'bad\u0000name'],
      ['a C1 control character', 'bad\u0085name'],
      ['a lone surrogate', 'bad\ud800name'],
    ])('refuses a name containing %s with InvalidName', async (_label, name) => {
      // Act & Assess
      await expect(start({ stateMachineArn: arnOf('controlled'), name })).rejects.toMatchObject({
        name: 'InvalidName',
        message: `Invalid Name: '${name}'`,
        $metadata: { httpStatusCode: 400 },
      });
    });

    it.each([
      ['81 characters', 'n'.repeat(81), 'Member must have length less than or equal to 80'],
      ['an empty name', '', 'Member must have length greater than or equal to 1'],
    ])('refuses %s as a model constraint violation (ValidationException)', async (_label, name, constraint) => {
      // Act & Assess
      await expect(start({ stateMachineArn: arnOf('controlled'), name })).rejects.toMatchObject({
        name: 'ValidationException',
        message: `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: ${constraint}`,
      });
    });

    it('accepts a name of exactly 80 characters, including characters CloudWatch cannot show', async () => {
      // Prepare
      const name = `${uniqueName('é.')}`.padEnd(80, 'x');

      // Act
      const { executionArn } = await start({ stateMachineArn: arnOf('controlled'), name });

      // Assess
      expect((await describeExecution(executionArn!)).name).toBe(name);
      await finish(executionArn!);
    });

    it('refuses input that is not JSON with InvalidExecutionInput', async () => {
      // Act & Assess
      await expect(
        start({ stateMachineArn: arnOf('controlled'), name: uniqueName('input'), input: '{"a":' }),
      ).rejects.toMatchObject({
        name: 'InvalidExecutionInput',
        message: expect.stringMatching(/^Invalid State Machine Execution Input: '/),
      });
    });

    it.each([['42'], ['"text"'], ['[1,2]'], ['null']])('accepts any JSON value as input: %s', async (input) => {
      // Act
      const { executionArn } = await start({ stateMachineArn: arnOf('controlled'), name: uniqueName('json'), input });

      // Assess
      expect((await describeExecution(executionArn!)).input).toBe(input);
      await finish(executionArn!);
    });

    it('measures the 256 KiB input quota in UTF-8 bytes, not characters', async () => {
      // Prepare: 'é' is two bytes, so these inputs are about half as many characters as bytes.
      const atLimit = `"${'é'.repeat(131_071)}"`; // 2 + 262,142 = 262,144 bytes
      const overLimit = `"${'é'.repeat(131_072)}"`; // 262,146 bytes, 131,074 characters

      // Act
      const accepted = await start({ stateMachineArn: arnOf('controlled'), name: uniqueName('big'), input: atLimit });
      const refused = start({ stateMachineArn: arnOf('controlled'), name: uniqueName('big'), input: overLimit });

      // Assess
      await expect(refused).rejects.toMatchObject({
        name: 'ValidationException',
        message:
          "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding",
      });
      await finish(accepted.executionArn!);
    });

    it('refuses an unknown state machine with StateMachineDoesNotExist', async () => {
      // Prepare
      const stateMachineArn = arnOf('missing');

      // Act & Assess
      await expect(start({ stateMachineArn, name: 'n' })).rejects.toMatchObject({
        name: 'StateMachineDoesNotExist',
        message: `State Machine Does Not Exist: '${stateMachineArn}'`,
      });
      await expect(
        start({ stateMachineArn: `arn:aws:states:${REGION}:210987654321:stateMachine:controlled` }),
      ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
      await expect(start({ stateMachineArn: `${arnOf('controlled')}:1` })).rejects.toMatchObject({
        name: 'StateMachineDoesNotExist',
      });
    });

    it.each([
      ['not an ARN', 'not-an-arn'],
      ['another service', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:controlled`],
      ['an execution ARN', `arn:aws:states:${REGION}:${ACCOUNT}:execution:controlled:run`],
      ['a malformed account', `arn:aws:states:${REGION}:1234:stateMachine:controlled`],
      ['no name', `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:`],
    ])('refuses %s as stateMachineArn with InvalidArn', async (_label, stateMachineArn) => {
      // Act & Assess
      await expect(start({ stateMachineArn })).rejects.toMatchObject({
        name: 'InvalidArn',
        message: expect.stringMatching(/^Invalid Arn: '/),
      });
    });

    it('refuses a request without stateMachineArn with ValidationException', async () => {
      // Act & Assess
      await expect(start({ name: 'n' } as StartExecutionCommandInput)).rejects.toMatchObject({
        name: 'ValidationException',
        message:
          "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null",
      });
    });

    it('checks model constraints first, then the state machine, then the name and the input', async () => {
      // Act & Assess
      await expect(start({ stateMachineArn: arnOf('missing'), name: 'n'.repeat(81) })).rejects.toMatchObject({
        name: 'ValidationException',
      });
      await expect(start({ stateMachineArn: arnOf('missing'), name: 'a b', input: '{' })).rejects.toMatchObject({
        name: 'StateMachineDoesNotExist',
      });
      await expect(start({ stateMachineArn: arnOf('controlled'), name: 'a b', input: '{' })).rejects.toMatchObject({
        name: 'InvalidName',
      });
    });
  });

  describe('StartExecution idempotency', () => {
    it('answers a repeat with the same name and input while running with the original response', async () => {
      // Prepare
      const name = uniqueName('idem');
      const first = await start({ stateMachineArn: arnOf('controlled'), name, input: '{"k":1}' });
      clock.advance(5_000);

      // Act
      const again = await start({ stateMachineArn: arnOf('controlled'), name, input: '{"k":1}' });

      // Assess
      expect(again.executionArn).toBe(first.executionArn);
      expect(again.startDate).toEqual(first.startDate);
      expect(controlled.callsFor(first.executionArn!)).toBe(1);
      expect(standIn.executions().filter((execution) => execution.name === name)).toHaveLength(1);
      await finish(first.executionArn!);
      expect(controlled.callsFor(first.executionArn!)).toBe(1);
    });

    it('treats an omitted input and "{}" as the same input', async () => {
      // Prepare
      const name = uniqueName('idem-default');
      const first = await start({ stateMachineArn: arnOf('controlled'), name });

      // Act
      const again = await start({ stateMachineArn: arnOf('controlled'), name, input: '{}' });

      // Assess
      expect(again.executionArn).toBe(first.executionArn);
      await finish(first.executionArn!);
    });

    it('refuses the same name with a different input while running with ExecutionAlreadyExists', async () => {
      // Prepare
      const name = uniqueName('idem-input');
      const first = await start({ stateMachineArn: arnOf('controlled'), name, input: '{"k":1}' });

      // Act & Assess
      await expect(start({ stateMachineArn: arnOf('controlled'), name, input: '{"k":2}' })).rejects.toMatchObject({
        name: 'ExecutionAlreadyExists',
        message: `Execution Already Exists: '${first.executionArn}'`,
      });
      // Whitespace matters: AWS compares the input strings, not their meaning.
      await expect(start({ stateMachineArn: arnOf('controlled'), name, input: '{"k": 1}' })).rejects.toMatchObject({
        name: 'ExecutionAlreadyExists',
      });
      expect(controlled.callsFor(first.executionArn!)).toBe(1);
      await finish(first.executionArn!);
    });

    it.each([
      ['succeeded', { status: 'SUCCEEDED', output: '{}' }],
      ['failed', { status: 'FAILED', error: 'E', cause: 'C' }],
    ] satisfies Array<[string, ExecutionOutcome]>)(
      'refuses the same name and input once the execution has %s',
      async (_label, outcome) => {
        // Prepare
        const name = uniqueName('idem-closed');
        const first = await start({ stateMachineArn: arnOf('controlled'), name, input: '{}' });
        await finish(first.executionArn!, outcome);

        // Act & Assess
        await expect(start({ stateMachineArn: arnOf('controlled'), name, input: '{}' })).rejects.toMatchObject({
          name: 'ExecutionAlreadyExists',
        });
        expect(controlled.callsFor(first.executionArn!)).toBe(1);
      },
    );

    it('starts exactly one run for concurrent duplicate requests', async () => {
      // Prepare
      const name = uniqueName('concurrent');
      const request = { stateMachineArn: arnOf('controlled'), name, input: '{"same":true}' };

      // Act
      const responses = await Promise.all([start(request), start(request), start(request)]);

      // Assess
      const [first] = responses;
      for (const response of responses) {
        expect(response.executionArn).toBe(first!.executionArn);
        expect(response.startDate).toEqual(first!.startDate);
      }
      await finish(first!.executionArn!);
      expect(controlled.callsFor(first!.executionArn!)).toBe(1);
    });

    it('lets two state machines use the same execution name', async () => {
      // Prepare
      const name = uniqueName('shared');

      // Act
      const one = await start({ stateMachineArn: arnOf('controlled'), name });
      const two = await start({ stateMachineArn: arnOf('other'), name });

      // Assess
      expect(two.executionArn).not.toBe(one.executionArn);
      await finish(one.executionArn!);
      await finish(two.executionArn!);
    });
  });

  describe('running executions', () => {
    it('records ExecutionStarted, the runner events and the closing event with ids and clock timestamps', async () => {
      // Prepare
      const startMs = clock.now();
      const { executionArn } = await start({ stateMachineArn: arnOf('controlled'), name: uniqueName('hist'), input: '{"x":1}' });
      const run = await controlled.run(executionArn!);

      // Act
      clock.advance(1_000);
      run.emit({ type: 'PassStateEntered', stateEnteredEventDetails: { name: 'Done', input: '{"x":1}' } });
      clock.advance(1_000);
      run.emit({ type: 'PassStateExited', stateExitedEventDetails: { name: 'Done', output: '{"y":2}' } });
      clock.advance(1_000);
      run.settle({ status: 'SUCCEEDED', output: '{"y":2}' });
      const finished = await standIn.waitForExecution(executionArn!);

      // Assess
      const at = (offsetMs: number) => new Date(startMs + offsetMs);
      expect(await history(executionArn!)).toEqual([
        {
          id: 1,
          previousEventId: 0,
          timestamp: at(0),
          type: 'ExecutionStarted',
          executionStartedEventDetails: { input: '{"x":1}', inputDetails: { truncated: false }, roleArn: ROLE_ARN },
        },
        {
          id: 2,
          previousEventId: 1,
          timestamp: at(1_000),
          type: 'PassStateEntered',
          stateEnteredEventDetails: { name: 'Done', input: '{"x":1}' },
        },
        {
          id: 3,
          previousEventId: 2,
          timestamp: at(2_000),
          type: 'PassStateExited',
          stateExitedEventDetails: { name: 'Done', output: '{"y":2}' },
        },
        {
          id: 4,
          previousEventId: 3,
          timestamp: at(3_000),
          type: 'ExecutionSucceeded',
          executionSucceededEventDetails: { output: '{"y":2}', outputDetails: { truncated: false } },
        },
      ]);
      const described = await describeExecution(executionArn!);
      expect(described).toEqual({
        $metadata: expect.any(Object),
        executionArn,
        stateMachineArn: arnOf('controlled'),
        name: finished.name,
        status: 'SUCCEEDED',
        startDate: at(0),
        stopDate: at(3_000),
        input: '{"x":1}',
        inputDetails: { included: true },
        output: '{"y":2}',
        outputDetails: { included: true },
      });
      expect(finished).toEqual({
        executionArn,
        stateMachineArn: arnOf('controlled'),
        name: finished.name,
        status: 'SUCCEEDED',
        input: '{"x":1}',
        output: '{"y":2}',
        startDate: at(0),
        stopDate: at(3_000),
      });
    });

    it('records a failed outcome with its error and cause and no output', async () => {
      // Prepare
      const { executionArn } = await start({ stateMachineArn: arnOf('controlled'), name: uniqueName('fail') });

      // Act
      await finish(executionArn!, { status: 'FAILED', error: 'JobFailedError', cause: 'CREATE FAILED: bad input' });

      // Assess
      const described = await describeExecution(executionArn!);
      expect(described).toMatchObject({ status: 'FAILED', error: 'JobFailedError', cause: 'CREATE FAILED: bad input' });
      expect(described).not.toHaveProperty('output');
      expect(described).not.toHaveProperty('outputDetails');
      expect((await history(executionArn!)).at(-1)).toMatchObject({
        type: 'ExecutionFailed',
        executionFailedEventDetails: { error: 'JobFailedError', cause: 'CREATE FAILED: bad input' },
      });
    });

    it.each([
      ['TIMED_OUT', 'ExecutionTimedOut', 'executionTimedOutEventDetails'],
      ['ABORTED', 'ExecutionAborted', 'executionAbortedEventDetails'],
    ] as const)('records a %s outcome as %s', async (status, type, detailsKey) => {
      // Prepare
      const { executionArn } = await start({ stateMachineArn: arnOf('controlled'), name: uniqueName(status) });

      // Act
      await finish(executionArn!, { status, error: 'States.Timeout', cause: 'why' });

      // Assess
      expect((await describeExecution(executionArn!)).status).toBe(status);
      expect((await history(executionArn!)).at(-1)).toMatchObject({
        type,
        [detailsKey]: { error: 'States.Timeout', cause: 'why' },
      });
    });

    it.each([
      ['throws synchronously', 'throws', 'runner exploded'],
      ['rejects with an Error', 'rejects', 'runner rejected'],
      ['rejects with a string', 'rejects-with-string', 'plain string reason'],
    ])('fails the execution with States.Runtime when the runner %s', async (_label, machine, cause) => {
      // Act
      const { executionArn } = await start({ stateMachineArn: arnOf(machine) });
      const finished = await standIn.waitForExecution(executionArn!);

      // Assess
      expect(finished).toMatchObject({ status: 'FAILED', error: 'States.Runtime', cause });
      expect((await history(executionArn!)).map((event) => event.type)).toEqual(['ExecutionStarted', 'ExecutionFailed']);
    });

    it.each([
      ['resolves with nothing', 'resolves-nothing', /invalid outcome/],
      ['reports output that is not JSON', 'resolves-non-json', /not JSON/],
    ])('fails the execution with States.Runtime when the runner %s', async (_label, machine, cause) => {
      // Act
      const { executionArn } = await start({ stateMachineArn: arnOf(machine) });

      // Assess
      await expect(standIn.waitForExecution(executionArn!)).resolves.toMatchObject({
        status: 'FAILED',
        error: 'States.Runtime',
        cause: expect.stringMatching(cause),
      });
    });

    it('ignores execution-level events from the runner and anything it emits after the end', async () => {
      // Prepare
      const { executionArn } = await start({ stateMachineArn: arnOf('controlled'), name: uniqueName('ignored') });
      const run = await controlled.run(executionArn!);

      // Act
      run.emit({ type: 'ExecutionStarted', executionStartedEventDetails: { input: '{}' } });
      run.emit({ type: 'SucceedStateEntered', stateEnteredEventDetails: { name: 'Done' } });
      run.emit({ type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: '{}' } });
      run.settle({ status: 'SUCCEEDED', output: '{}' });
      await standIn.waitForExecution(executionArn!);
      run.emit({ type: 'SucceedStateExited', stateExitedEventDetails: { name: 'Done' } });

      // Assess
      expect((await history(executionArn!)).map((event) => event.type)).toEqual([
        'ExecutionStarted',
        'SucceedStateEntered',
        'ExecutionSucceeded',
      ]);
    });

    it('keeps the recorded history safe from runners that reuse their event objects', async () => {
      // Prepare
      const { executionArn } = await start({ stateMachineArn: arnOf('controlled'), name: uniqueName('copy') });
      const run = await controlled.run(executionArn!);
      const event = { type: 'PassStateEntered', stateEnteredEventDetails: { name: 'First' } } satisfies RunnerHistoryEvent;

      // Act
      run.emit(event);
      event.stateEnteredEventDetails.name = 'Mutated';
      await finish(executionArn!);

      // Assess
      expect((await history(executionArn!))[1]?.stateEnteredEventDetails?.name).toBe('First');
    });

    it('fails the execution with States.Runtime when the runner emits an event that is not data', async () => {
      // Prepare
      const { executionArn } = await start({ stateMachineArn: arnOf('controlled'), name: uniqueName('not-data') });
      const run = await controlled.run(executionArn!);

      // Act
      run.emit({ type: 'PassStateEntered', stateEnteredEventDetails: { name: (() => 'x') as unknown as string } });
      run.settle({ status: 'SUCCEEDED', output: '{}' });

      // Assess
      await expect(standIn.waitForExecution(executionArn!)).resolves.toMatchObject({
        status: 'FAILED',
        error: 'States.Runtime',
        cause: expect.stringContaining('cannot be recorded'),
      });
    });

    it('fails the execution with States.DataLimitExceeded when the output is over 256 KiB', async () => {
      // Prepare
      const { executionArn } = await start({ stateMachineArn: arnOf('controlled'), name: uniqueName('big-output') });

      // Act
      const finished = await finish(executionArn!, { status: 'SUCCEEDED', output: `"${'x'.repeat(262_143)}"` });

      // Assess
      expect(finished).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
      expect(finished).not.toHaveProperty('output');
    });

    it(`fails the execution with States.Runtime when its history reaches ${MAX_HISTORY_EVENTS} events`, async () => {
      // Prepare
      const { executionArn } = await start({ stateMachineArn: arnOf('controlled'), name: uniqueName('quota') });
      const run = await controlled.run(executionArn!);

      // Act
      for (let index = 0; index < MAX_HISTORY_EVENTS; index += 1) {
        run.emit({ type: 'WaitStateEntered', stateEnteredEventDetails: { name: 'Wait for next poll' } });
      }
      run.settle({ status: 'SUCCEEDED', output: '{}' });
      const finished = await standIn.waitForExecution(executionArn!);

      // Assess
      expect(finished).toMatchObject({
        status: 'FAILED',
        error: 'States.Runtime',
        cause: 'The execution reached the maximum number of history events (25000).',
      });
      const [last] = await history(executionArn!, { reverseOrder: true, maxResults: 1 });
      expect(last).toMatchObject({ id: MAX_HISTORY_EVENTS, type: 'ExecutionFailed' });
    });

    it('tells history listeners about every event, in order, until they unsubscribe', async () => {
      // Prepare
      const heard: Array<[string, HistoryEvent]> = [];
      const unsubscribe = standIn.onHistoryEvent((executionArn, event) => heard.push([executionArn, event]));
      const { executionArn } = await start({ stateMachineArn: arnOf('controlled'), name: uniqueName('listen') });
      const run = await controlled.run(executionArn!);

      // Act
      run.emit({ type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Create job' } });
      await finish(executionArn!);
      unsubscribe();
      const later = await start({ stateMachineArn: arnOf('controlled'), name: uniqueName('unheard') });
      await finish(later.executionArn!);

      // Assess
      expect(heard.map(([arn, event]) => [arn, event.id, event.type])).toEqual([
        [executionArn, 1, 'ExecutionStarted'],
        [executionArn, 2, 'TaskStateEntered'],
        [executionArn, 3, 'ExecutionSucceeded'],
      ]);
      expect(heard[0]?.[1].timestamp).toBeInstanceOf(Date);
    });

    it('keeps recording when a history listener throws', async () => {
      // Prepare
      const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      const unsubscribe = standIn.onHistoryEvent(() => {
        throw new Error('listener broke');
      });

      try {
        // Act
        const { executionArn } = await start({ stateMachineArn: arnOf('controlled'), name: uniqueName('noisy') });
        const finished = await finish(executionArn!);

        // Assess
        expect(finished.status).toBe('SUCCEEDED');
        expect(warn).toHaveBeenCalledWith(expect.stringContaining('listener broke'), 'StepFunctionsStandInWarning');
      } finally {
        unsubscribe();
        warn.mockRestore();
      }
    });

    it('rejects waitForExecution for an unknown execution', async () => {
      // Act & Assess
      await expect(standIn.waitForExecution(`arn:aws:states:${REGION}:${ACCOUNT}:execution:controlled:nope`)).rejects.toMatchObject({
        type: 'ExecutionDoesNotExist',
      });
    });
  });

  describe('DescribeExecution', () => {
    it('echoes the trace header it was started with', async () => {
      // Prepare
      const traceHeader = 'Root=1-5759e988-bd862e3fe1be46a994272793';
      const { executionArn } = await start({ stateMachineArn: arnOf('controlled'), name: uniqueName('trace'), traceHeader });

      // Act
      const described = await describeExecution(executionArn!);

      // Assess
      expect(described.traceHeader).toBe(traceHeader);
      await finish(executionArn!);
    });

    it('refuses an unknown execution with ExecutionDoesNotExist', async () => {
      // Prepare
      const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:controlled:never-started`;

      // Act & Assess
      await expect(describeExecution(executionArn)).rejects.toMatchObject({
        name: 'ExecutionDoesNotExist',
        message: `Execution Does Not Exist: '${executionArn}'`,
      });
    });

    it.each([
      ['not an ARN', 'nope'],
      ['a state machine ARN', `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:controlled`],
      ['an execution ARN without execution name', `arn:aws:states:${REGION}:${ACCOUNT}:execution:controlled`],
    ])('refuses %s with InvalidArn', async (_label, executionArn) => {
      // Act & Assess
      await expect(describeExecution(executionArn)).rejects.toMatchObject({ name: 'InvalidArn' });
    });
  });

  describe('ListExecutions', () => {
    const names: string[] = [];
    const arns: string[] = [];
    const list = (input: Partial<ListExecutionsCommandInput> = {}) =>
      sfn.send(new ListExecutionsCommand({ stateMachineArn: arnOf('listed'), ...input }));
    const namesOf = (output: { executions?: Array<{ name?: string }> }) => (output.executions ?? []).map((item) => item.name);

    beforeAll(async () => {
      // Five executions one second apart: 0 and 2 succeed, 3 fails, 1 and 4 keep running.
      for (let index = 0; index < 5; index += 1) {
        const name = `list-${index}`;
        const { executionArn } = await start({ stateMachineArn: arnOf('listed'), name });
        names.push(name);
        arns.push(executionArn!);
        clock.advance(1_000);
      }
      await finish(arns[0]!);
      await finish(arns[2]!);
      await finish(arns[3]!, { status: 'FAILED', error: 'E' });
    });

    afterAll(async () => {
      for (const executionArn of [arns[1]!, arns[4]!]) await finish(executionArn);
    });

    it('lists the state machine executions newest first, with stopDate only once closed', async () => {
      // Act
      const output = await list();

      // Assess
      expect(namesOf(output)).toEqual(['list-4', 'list-3', 'list-2', 'list-1', 'list-0']);
      expect(output.nextToken).toBeUndefined();
      const [newest, failed] = output.executions ?? [];
      expect(newest).toEqual({
        executionArn: arns[4],
        stateMachineArn: arnOf('listed'),
        name: 'list-4',
        status: 'RUNNING',
        startDate: expect.any(Date),
      });
      expect(failed).toMatchObject({ status: 'FAILED', stopDate: expect.any(Date) });
    });

    it.each([
      ['RUNNING', ['list-4', 'list-1']],
      ['SUCCEEDED', ['list-2', 'list-0']],
      ['FAILED', ['list-3']],
      ['ABORTED', []],
    ] as const)('filters by status %s', async (statusFilter, expected) => {
      // Act & Assess
      expect(namesOf(await list({ statusFilter }))).toEqual(expected);
    });

    it('pages with maxResults and nextToken, and the SDK paginator walks every page', async () => {
      // Act
      const first = await list({ maxResults: 2 });
      const second = await list({ maxResults: 2, nextToken: first.nextToken });
      const third = await list({ maxResults: 2, nextToken: second.nextToken });
      const paginated: string[] = [];
      for await (const page of paginateListExecutions({ client: sfn, pageSize: 2 }, { stateMachineArn: arnOf('listed') })) {
        paginated.push(...(namesOf(page) as string[]));
      }

      // Assess
      expect([namesOf(first), namesOf(second), namesOf(third)]).toEqual([
        ['list-4', 'list-3'],
        ['list-2', 'list-1'],
        ['list-0'],
      ]);
      expect(third.nextToken).toBeUndefined();
      expect(paginated).toEqual(['list-4', 'list-3', 'list-2', 'list-1', 'list-0']);
    });

    it('treats maxResults 0 as the default page size', async () => {
      // Act & Assess
      expect(namesOf(await list({ maxResults: 0 }))).toHaveLength(5);
    });

    it('keeps a page token valid when a newer execution starts between pages', async () => {
      // Prepare
      const first = await list({ statusFilter: 'SUCCEEDED', maxResults: 1 });
      const newer = await start({ stateMachineArn: arnOf('other'), name: uniqueName('between') });

      // Act
      const second = await list({ statusFilter: 'SUCCEEDED', maxResults: 1, nextToken: first.nextToken });

      // Assess
      expect([namesOf(first), namesOf(second)]).toEqual([['list-2'], ['list-0']]);
      await finish(newer.executionArn!);
    });

    it('refuses a token that is not one, or was issued for other arguments, with InvalidToken', async () => {
      // Prepare
      const { nextToken } = await list({ maxResults: 1 });

      // Act & Assess
      await expect(list({ nextToken: 'garbage' })).rejects.toMatchObject({ name: 'InvalidToken' });
      await expect(list({ nextToken, statusFilter: 'RUNNING' })).rejects.toMatchObject({ name: 'InvalidToken' });
      await expect(list({ nextToken, stateMachineArn: arnOf('controlled') })).rejects.toMatchObject({
        name: 'InvalidToken',
      });
    });

    it('refuses maxResults above 1000 with ValidationException', async () => {
      // Act & Assess
      await expect(list({ maxResults: 1001 })).rejects.toMatchObject({
        name: 'ValidationException',
        message:
          "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
      });
    });

    it('refuses an unknown state machine, a malformed ARN and a missing ARN', async () => {
      // Act & Assess
      await expect(list({ stateMachineArn: arnOf('missing') })).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
      await expect(list({ stateMachineArn: 'nope' })).rejects.toMatchObject({ name: 'InvalidArn' });
      await expect(sfn.send(new ListExecutionsCommand({}))).rejects.toMatchObject({ name: 'ValidationException' });
    });
  });

  describe('GetExecutionHistory', () => {
    let executionArn: string;
    const allTypes = [
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ];

    beforeAll(async () => {
      ({ executionArn } = (await start({
        stateMachineArn: arnOf('controlled'),
        name: uniqueName('history'),
        input: '{"secret":"in"}',
      })) as { executionArn: string });
      const run = await controlled.run(executionArn);
      run.emit({ type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Create job', input: '{"secret":"in"}' } });
      run.emit({
        type: 'TaskScheduled',
        taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: REGION, parameters: '{}' },
      });
      run.emit({ type: 'TaskSucceeded', taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: '{"secret":"out"}' } });
      run.emit({ type: 'TaskStateExited', stateExitedEventDetails: { name: 'Create job', output: '{"secret":"out"}' } });
      await finish(executionArn, { status: 'SUCCEEDED', output: '{"secret":"out"}' });
    });

    it('pages forwards and backwards with maxResults and nextToken', async () => {
      // Act
      const pages: string[][] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 4, reverseOrder: true, nextToken }));
        pages.push((page.events ?? []).map((event) => event.type as string));
        nextToken = page.nextToken;
      } while (nextToken);
      const forwards: number[] = [];
      for await (const page of paginateGetExecutionHistory({ client: sfn, pageSize: 4 }, { executionArn })) {
        forwards.push(...(page.events ?? []).map((event) => event.id as number));
      }

      // Assess
      expect(pages).toEqual([[...allTypes].reverse().slice(0, 4), [...allTypes].reverse().slice(4)]);
      expect(forwards).toEqual([1, 2, 3, 4, 5, 6]);
    });

    it('returns every event in order by default', async () => {
      // Act
      const events = await history(executionArn, { maxResults: 0 });

      // Assess
      expect(events.map((event) => event.type)).toEqual(allTypes);
      expect(events.map((event) => event.previousEventId)).toEqual([0, 1, 2, 3, 4, 5]);
    });

    it('leaves out inputs and outputs when includeExecutionData is false', async () => {
      // Act
      const events = await history(executionArn, { includeExecutionData: false });

      // Assess
      expect(JSON.stringify(events)).not.toContain('secret');
      expect(events[0]?.executionStartedEventDetails).toEqual({ inputDetails: { truncated: false }, roleArn: ROLE_ARN });
      expect(events[1]?.stateEnteredEventDetails).toEqual({ name: 'Create job' });
      expect(events[5]?.executionSucceededEventDetails).toEqual({ outputDetails: { truncated: false } });
    });

    it('refuses a bad token, or a token from the other direction, with InvalidToken', async () => {
      // Prepare
      const forward = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 2 }));

      // Act & Assess
      await expect(history(executionArn, { nextToken: 'garbage' })).rejects.toMatchObject({ name: 'InvalidToken' });
      await expect(history(executionArn, { nextToken: forward.nextToken, reverseOrder: true })).rejects.toMatchObject({
        name: 'InvalidToken',
      });
    });

    it('refuses an unknown execution with ExecutionDoesNotExist', async () => {
      // Act & Assess
      await expect(history(`${arnOf('controlled').replace(':stateMachine:', ':execution:')}:ghost`)).rejects.toMatchObject({
        name: 'ExecutionDoesNotExist',
      });
    });
  });

  describe('state machines', () => {
    it('describes a configured state machine', async () => {
      // Act
      const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arnOf('controlled') }));

      // Assess
      expect(described).toMatchObject({
        stateMachineArn: arnOf('controlled'),
        name: 'controlled',
        status: 'ACTIVE',
        definition: DEFINITION,
        roleArn: ROLE_ARN,
        type: 'STANDARD',
        creationDate: new Date(START_MS),
      });
    });

    it('refuses an unknown state machine and a malformed ARN', async () => {
      // Act & Assess
      await expect(
        sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arnOf('missing') })),
      ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
      await expect(
        sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${arnOf('controlled').replace(':stateMachine:', ':execution:')}:x` })),
      ).rejects.toMatchObject({ name: 'InvalidArn' });
    });

    it('lists the configured state machines in pages', async () => {
      // Act
      const first = await sfn.send(new ListStateMachinesCommand({ maxResults: 3 }));
      const rest = await sfn.send(new ListStateMachinesCommand({ nextToken: first.nextToken }));

      // Assess
      expect(first.stateMachines?.[0]).toEqual({
        stateMachineArn: arnOf('controlled'),
        name: 'controlled',
        type: 'STANDARD',
        creationDate: new Date(START_MS),
      });
      expect([...(first.stateMachines ?? []), ...(rest.stateMachines ?? [])].map((machine) => machine.name)).toEqual([
        'controlled',
        'other',
        'listed',
        'throws',
        'rejects',
        'rejects-with-string',
        'resolves-nothing',
        'resolves-non-json',
      ]);
      expect(rest.nextToken).toBeUndefined();
    });
  });

  it('has left no unhandled promise rejections behind', async () => {
    // Assess
    await standIn.idle();
    expect(unhandledRejections).toEqual([]);
  });
});

describe('Step Functions stand-in lifecycle', () => {
  it('resolves idle() once every execution started before the call has closed', async () => {
    // Prepare
    const runner = new ControlledRunner();
    const standIn = await startStepFunctionsStandIn({ stateMachines: [stateMachine('machine', runner.runner)] });
    const sfn = client(standIn.endpoint);
    try {
      const one = await sfn.send(new StartExecutionCommand({ stateMachineArn: standIn.stateMachineArn('machine') }));
      const two = await sfn.send(new StartExecutionCommand({ stateMachineArn: standIn.stateMachineArn('machine') }));
      let idle = false;
      const waiting = standIn.idle().then(() => {
        idle = true;
      });

      // Act & Assess
      (await runner.run(one.executionArn!)).settle({ status: 'SUCCEEDED', output: '{}' });
      await standIn.waitForExecution(one.executionArn!);
      expect(idle).toBe(false);
      (await runner.run(two.executionArn!)).settle({ status: 'FAILED' });
      await waiting;
      expect(standIn.executions().map((execution) => execution.status)).toEqual(['SUCCEEDED', 'FAILED']);
    } finally {
      sfn.destroy();
      await standIn.close();
    }
  });

  it('lets running executions finish detached after close()', async () => {
    // Prepare
    const runner = new ControlledRunner();
    const standIn = await startStepFunctionsStandIn({ stateMachines: [stateMachine('machine', runner.runner)] });
    const sfn = client(standIn.endpoint);
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: standIn.stateMachineArn('machine') }));
    sfn.destroy();

    // Act
    await standIn.close();
    await standIn.close();
    (await runner.run(executionArn!)).settle({ status: 'SUCCEEDED', output: '{"done":true}' });

    // Assess
    await expect(standIn.waitForExecution(executionArn!)).resolves.toMatchObject({
      status: 'SUCCEEDED',
      output: '{"done":true}',
    });
  });

  it.each([
    ['an invalid state machine name', { name: 'bad name' }],
    ['an invalid role ARN', { roleArn: 'role' }],
    ['a definition that is not JSON', { definition: 'StartAt: Done' }],
    ['an EXPRESS type', { type: 'EXPRESS' as unknown as 'STANDARD' }],
  ])('refuses to start with %s', async (_label, override) => {
    // Act & Assess
    await expect(
      startStepFunctionsStandIn({
        stateMachines: [{ ...stateMachine('machine', async () => ({ status: 'SUCCEEDED', output: '{}' })), ...override }],
      }),
    ).rejects.toBeInstanceOf(StandInConfigurationError);
  });

  it('refuses to start with two state machines of the same name', async () => {
    // Prepare
    const runner: ExecutionRunner = async () => ({ status: 'SUCCEEDED', output: '{}' });

    // Act & Assess
    await expect(
      startStepFunctionsStandIn({ stateMachines: [stateMachine('twin', runner), stateMachine('twin', runner)] }),
    ).rejects.toThrow(/configured twice/);
  });
});
