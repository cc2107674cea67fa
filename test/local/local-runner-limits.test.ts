import { VirtualClock } from '../../src/local/clock';
import { createLocalRunner, type AslDefinition, type LocalLambdaHandler } from '../../src/local/local-runner';
import { MAX_STATE_PAYLOAD_BYTES } from '../../src/local/local-runner-limits';
import type { ExecutionOutcome, RunnerHistoryEvent } from '../../src/local/step-functions';

const FUNCTION = '${self:service}-${sls:stage}-work';
const task = (extra: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: FUNCTION, 'Payload.$': '$' },
  OutputPath: '$.Payload',
  ...extra,
});
/** A Task whose every error a catcher takes, as the real state machine's do. */
const caughtTask = (next: string) =>
  task({ Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2, IntervalSeconds: 1 }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], Next: next });

async function run(definition: AslDefinition, work: LocalLambdaHandler, options: { limits?: { payloadBytes?: number; historyEvents?: number }; input?: unknown } = {}) {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const runner = createLocalRunner({ definition, handlers: { work }, time: { mode: 'virtual', clock }, ...(options.limits && { limits: options.limits }) });
  const events: RunnerHistoryEvent[] = [];
  const startDate = new Date(clock.now());
  const outcome: ExecutionOutcome = await runner(
    { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:e', stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m', name: 'e', input: JSON.stringify(options.input ?? {}), startDate },
    (event) => events.push(event),
  );
  return { outcome, events, elapsedMs: clock.now() - startDate.getTime() };
}

describe("the local runner enforces Step Functions' quotas", () => {
  const caught: AslDefinition = { StartAt: 'Work', States: { Work: caughtTask('Done'), Done: { Type: 'Succeed' }, Caught: { Type: 'Pass', End: true } } };

  it('fails the execution with States.DataLimitExceeded for a Task result over 262,144 bytes, past Retry and Catch', async () => {
    // A result just over the real quota, in multi-byte characters: the limit is on UTF-8 bytes.
    const big = 'é'.repeat(MAX_STATE_PAYLOAD_BYTES / 2);
    let calls = 0;
    const { outcome } = await run(caught, async () => {
      calls += 1;
      return { big };
    });
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause: expect.stringContaining('result of Task "Work"') });
    expect(calls).toBe(1);
  });

  it('lets a payload at the quota through', async () => {
    const { outcome } = await run(caught, async () => ({ big: 'x'.repeat(MAX_STATE_PAYLOAD_BYTES - 200) }));
    expect(outcome.status).toBe('SUCCEEDED');
  });

  it('checks Task parameters and state outputs too (small injected limit)', async () => {
    const input = { text: 'y'.repeat(500) };
    const parameters = await run(caught, async () => ({}), { limits: { payloadBytes: 300 }, input });
    expect(parameters.outcome).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect((parameters.outcome as { cause: string }).cause).toMatch(/input of state "Work"|parameters of Task "Work"/);

    const growing: AslDefinition = { StartAt: 'Grow', States: { Grow: { Type: 'Pass', Result: { text: 'z'.repeat(500) }, Next: 'Done' }, Done: { Type: 'Succeed' } } };
    const output = await run(growing, async () => ({}), { limits: { payloadBytes: 300 } });
    expect(output.outcome).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause: expect.stringContaining('output of state "Grow"') });
    expect(output.events.map((event) => event.type)).toEqual(['PassStateEntered']);
  });

  const loop = (limitTo: number): AslDefinition => ({
    StartAt: 'Count',
    States: {
      Count: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'More?' },
      'More?': { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: limitTo, Next: 'Count' }], Default: 'Done' },
      Done: { Type: 'Succeed' },
    },
  });

  it('fails an execution whose history would pass the event limit (small injected limit)', async () => {
    const { outcome } = await run(loop(1000), async () => ({}), { limits: { historyEvents: 50 }, input: { n: 0 } });
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime', cause: expect.stringContaining('(50)') });
    const fits = await run(loop(10), async () => ({}), { limits: { historyEvents: 50 }, input: { n: 0 } });
    expect(fits.outcome.status).toBe('SUCCEEDED');
  });

  it('fails at the real 25,000-event limit: 4 events per pass, so 6,250 passes do not fit', async () => {
    const { outcome } = await run(loop(7000), async () => ({}), { input: { n: 0 } });
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime', cause: expect.stringContaining('25000') });
  }, 30_000);
});

describe('the local runner in virtual time', () => {
  it('times the execution out on the clock at its TimeoutSeconds', async () => {
    const definition: AslDefinition = { StartAt: 'Nap', TimeoutSeconds: 10, States: { Nap: { Type: 'Wait', Seconds: 3600, End: true } } };
    const { outcome, elapsedMs } = await run(definition, async () => ({}));
    expect(outcome.status).toBe('TIMED_OUT');
    expect(elapsedMs).toBe(10_000);
  });

  it('waits each retry interval from the ASL, with backoff, on the clock', async () => {
    const definition: AslDefinition = {
      StartAt: 'Work',
      States: { Work: task({ Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 5, BackoffRate: 3, MaxAttempts: 3 }], End: true }) },
    };
    let calls = 0;
    const { outcome, elapsedMs } = await run(definition, async () => {
      calls += 1;
      if (calls <= 3) throw Object.assign(new Error('flaky'), { name: 'Flaky' });
      return {};
    });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(elapsedMs).toBe((5 + 15 + 45) * 1000);
  });

  it('gives the Context Object the execution start date, and reports Waits as Wait states', async () => {
    const definition: AslDefinition = {
      StartAt: 'Nap',
      States: { Nap: { Type: 'Wait', SecondsPath: '$.seconds', Next: 'Work' }, Work: task({ Parameters: { FunctionName: FUNCTION, 'Payload.$': '$$.Execution.StartTime' }, End: true }) },
    };
    let seen: unknown;
    const { outcome, events, elapsedMs } = await run(definition, async (payload: never) => {
      seen = payload;
      return {};
    }, { input: { seconds: 42 } });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(seen).toBe('2026-01-01T00:00:00.000Z');
    expect(elapsedMs).toBe(42_000);
    expect(events.slice(0, 2).map((event) => event.type)).toEqual(['WaitStateEntered', 'WaitStateExited']);
  });
});
