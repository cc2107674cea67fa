import './polyfills';
import { randomUUID } from 'node:crypto';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { ExecutionAbortedError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import type { ExecutionOutcome, ExecutionRequest, ExecutionRunner, RunnerHistoryEvent } from './step-functions';

/** A handler as the local runner calls it: the deployed function's code, in process. */
export type LocalLambdaHandler = (event: never, context: Context) => Promise<unknown>;

/** How Wait states pass locally: how long to really pause, and what the virtual clock should see. */
export interface WaitStrategy {
  /** Called when a Wait state starts; returns the real milliseconds to pause. */
  onWait(seconds: number): number;
}

export interface LocalRunnerOptions {
  /** The ASL definition, exactly as deployed. */
  definition: AslDefinition;
  /**
   * Handlers by function key: the part of a Task's `FunctionName` after `${sls:stage}-`, i.e. the
   * function's key in serverless.yml (`startJob`, `getJobStatus`, ...).
   */
  handlers: Record<string, LocalLambdaHandler>;
  waits: WaitStrategy;
  /** Real milliseconds between retries of a failed Task (Step Functions' own would be seconds). */
  retryIntervalMs?: number;
  /**
   * Makes an invocation fail as Lambda sometimes does. An error name alone fails it before the
   * handler runs (`Lambda.TooManyRequestsException` and friends); `{ error, afterHandler: true }`
   * lets the handler run to completion and then loses its response (a timeout, `Lambda.Unknown`),
   * so the retry meets whatever the first attempt already did.
   */
  injectFault?: (functionKey: string, invocationNumber: number) => InjectedFault | undefined;
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  [key: string]: unknown;
}

interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: { FunctionName?: string; [key: string]: unknown };
  Seconds?: number;
  SecondsPath?: string;
  Retry?: unknown[];
  [key: string]: unknown;
}

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

export type InjectedFault = string | { error: string; afterHandler: true };

/**
 * Executes the deployed ASL file in process with aws-local-stepfunctions, mapping each
 * `lambda:invoke` Task to the in-process handler and reporting Step Functions history events.
 *
 * Invocations behave like Lambda's: the payload goes through JSON both ways, and a thrown error
 * surfaces to Retry/Catch with its `name` as the error and Lambda's error JSON
 * (`{"errorType","errorMessage","trace"}`) as the cause.
 */
export function createLocalRunner(options: LocalRunnerOptions): ExecutionRunner {
  const taskFunctionKeys = mapTaskStatesToFunctions(options.definition, options.handlers);
  const stateMachine = new StateMachine(options.definition as never, {
    // The ASL's FunctionName holds Serverless variables until deployment; they are not ARNs yet.
    validationOptions: { checkArn: false },
  });
  const retryIntervalOverrides = Object.fromEntries(
    Object.entries(options.definition.States)
      .filter(([, state]) => Array.isArray(state.Retry))
      .map(([name]) => [name, options.retryIntervalMs ?? 0]),
  );
  const invocationCounts = new Map<string, number>();

  return async function runLocally(
    request: ExecutionRequest,
    emit: (event: RunnerHistoryEvent) => void,
    closed?: AbortSignal,
  ): Promise<ExecutionOutcome> {
    // The Wait override cannot see the Wait state's input, but every Task here passes its Lambda
    // payload through (`OutputPath: $.Payload`) and Choice states pass input along: the input of a
    // Wait is the last Task's result. The runner keeps that result to resolve `SecondsPath`.
    let lastTaskOutput: unknown = JSON.parse(request.input);

    const taskResourceLocalHandlers = Object.fromEntries(
      [...taskFunctionKeys].map(([stateName, functionKey]) => [
        stateName,
        async (taskInput: { FunctionName?: string; Payload?: unknown }) => {
          const count = (invocationCounts.get(functionKey) ?? 0) + 1;
          invocationCounts.set(functionKey, count);
          const fault = options.injectFault?.(functionKey, count);
          if (typeof fault === 'string') throw lambdaError(fault, `Injected fault: ${fault}`);
          const handler = options.handlers[functionKey];
          if (!handler) throw lambdaError('Lambda.ResourceNotFoundException', `No local handler for ${functionKey}`);
          const payload = roundTripJson(taskInput.Payload ?? {});
          let result: unknown;
          try {
            result = roundTripJson(await handler(payload as never, localLambdaContext(functionKey)));
          } catch (error) {
            throw asLambdaFunctionError(error);
          }
          if (fault) throw lambdaError(fault.error, `Injected fault after the handler ran: ${fault.error}`);
          lastTaskOutput = result;
          return { Payload: result, StatusCode: 200, ExecutedVersion: '$LATEST' };
        },
      ]),
    );

    const waitTimeOverrides = new Proxy({} as Record<string, number>, {
      get(_target, stateName) {
        const state = typeof stateName === 'string' ? options.definition.States[stateName] : undefined;
        if (!state || state.Type !== 'Wait') return undefined;
        const seconds = state.Seconds ?? (state.SecondsPath ? numberAtPath(lastTaskOutput, state.SecondsPath) : undefined);
        return seconds === undefined ? undefined : options.waits.onWait(seconds);
      },
    });

    const execution = atStartDate(request.startDate, () =>
      stateMachine.run(JSON.parse(request.input), {
        overrides: { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides },
        context: { Execution: { Id: request.executionArn, Name: request.name } },
      } as never),
    );

    const history = recordHistory(execution.eventLogs as AsyncIterable<LocalEngineEvent>, emit);
    // StopExecution: the engine stops where it is (a Wait ends, no further Task is invoked).
    const stop = () => execution.abort();
    closed?.addEventListener('abort', stop, { once: true });
    let outcome: ExecutionOutcome;
    try {
      const output: unknown = await execution.result;
      outcome = { status: 'SUCCEEDED', output: JSON.stringify(output ?? null) };
    } catch (error) {
      outcome = failureOutcome(error);
    } finally {
      closed?.removeEventListener('abort', stop);
    }
    await history;
    return outcome;
  };
}

/**
 * Step Functions' `$$.Execution.StartTime` is the execution's start date; aws-local-stepfunctions
 * stamps it with its own `new Date()` (overriding any context given), synchronously as `run` begins.
 * Running that synchronous start with `Date` fixed at the stand-in's start date makes the two agree,
 * so a record's `startedAt` comes from the same (virtual) clock as every other time it holds.
 */
function atStartDate<T>(startDate: Date, start: () => T): T {
  const RealDate = globalThis.Date;
  const fixedMs = startDate.getTime();
  class StartDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(fixedMs);
      else super(...(args as [string | number | Date]));
    }

    static override now(): number {
      return fixedMs;
    }
  }
  globalThis.Date = StartDate as DateConstructor;
  try {
    return start();
  } finally {
    globalThis.Date = RealDate;
  }
}

/** Finds the handler for every `lambda:invoke` Task; a Task without one is a wiring bug. */
function mapTaskStatesToFunctions(definition: AslDefinition, handlers: Record<string, LocalLambdaHandler>): Map<string, string> {
  const mapping = new Map<string, string>();
  for (const [stateName, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task') continue;
    if (state.Resource !== LAMBDA_INVOKE) {
      throw new Error(`Task "${stateName}" uses ${state.Resource}; the local runner only supports ${LAMBDA_INVOKE}`);
    }
    const functionKey = functionKeyOf(state.Parameters?.FunctionName ?? '');
    if (!handlers[functionKey]) {
      throw new Error(`Task "${stateName}" invokes "${functionKey}", which has no local handler`);
    }
    mapping.set(stateName, functionKey);
  }
  return mapping;
}

/** `${self:service}-${sls:stage}-startJob` → `startJob`. */
function functionKeyOf(functionName: string): string {
  const afterStage = functionName.split('${sls:stage}-')[1];
  return afterStage ?? functionName.slice(functionName.lastIndexOf(':') + 1);
}

function roundTripJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

/** A Lambda context for an in-process invocation; the handlers only read it for logging. */
export function localLambdaContext(functionKey: string): Context {
  const deadline = Date.now() + 60_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `local-${functionKey}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:local-${functionKey}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/local-${functionKey}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function lambdaError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** What `lambda:invoke` reports for a function error: Error = errorType, Cause = Lambda's error JSON. */
function asLambdaFunctionError(error: unknown): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const cause = JSON.stringify({
    errorType: original.name,
    errorMessage: original.message,
    trace: (original.stack ?? '').split('\n'),
  });
  return lambdaError(original.name, cause);
}

function numberAtPath(document: unknown, path: string): number | undefined {
  if (!path.startsWith('$.')) return undefined;
  let current: unknown = document;
  for (const segment of path.slice(2).split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return typeof current === 'number' ? current : undefined;
}

function failureOutcome(error: unknown): ExecutionOutcome {
  if (error instanceof ExecutionTimeoutError) {
    return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution exceeded its TimeoutSeconds' };
  }
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  const inner = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (inner instanceof Error) {
    // A Fail state raises FailStateError with the state's Error as name and Cause as message.
    return { status: 'FAILED', error: inner.name, cause: inner.message };
  }
  return { status: 'FAILED', error: 'States.Runtime', cause: String(inner) };
}

interface LocalEngineEvent {
  type: string;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  Error?: string;
  Cause?: string;
}

/** Translates the engine's event log into Step Functions history events, in order. */
async function recordHistory(events: AsyncIterable<LocalEngineEvent>, emit: (event: RunnerHistoryEvent) => void): Promise<void> {
  for await (const event of events) {
    for (const historyEvent of toHistoryEvents(event)) emit(historyEvent);
  }
}

function toHistoryEvents(event: LocalEngineEvent): RunnerHistoryEvent[] {
  const state = event.state;
  switch (event.type) {
    case 'StateEntered':
      return state
        ? [{ type: `${state.type}StateEntered` as HistoryEvent['type'], stateEnteredEventDetails: { name: state.name, input: JSON.stringify(state.input ?? null) } }]
        : [];
    case 'StateExited':
      return state
        ? [{ type: `${state.type}StateExited` as HistoryEvent['type'], stateExitedEventDetails: { name: state.name, output: JSON.stringify(state.output ?? null) } }]
        : [];
    case 'StateFailed':
      return state?.type === 'Task'
        ? [{ type: 'TaskFailed', taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: event.Error, cause: event.Cause } }]
        : [];
    default:
      // Execution start and end are recorded by the Step Functions stand-in itself; retries and
      // catches show in AWS history only as the TaskFailed before them.
      return [];
  }
}

/**
 * Waits for tests and `personalize-batch run`: the virtual clock jumps by the Wait's full duration
 * (so the Personalize stand-in sees the job age as it would on AWS) while the real pause is tiny.
 */
export function virtualTimeWaits(clock: { advance(ms: number): void }, realMsPerWait = 0): WaitStrategy {
  return {
    onWait(seconds) {
      // Advance as the Wait ends, not as it starts: this timer is queued just before the engine's
      // own pause of the same length, so everything recorded before the Wait keeps its time.
      setTimeout(() => clock.advance(seconds * 1000), realMsPerWait);
      return realMsPerWait;
    },
  };
}

/**
 * Waits for `personalize-batch local up`, where time is real and other tools watch the jobs:
 * each Wait is shortened by `scale` and capped, so a run still tracks a job that takes seconds.
 */
export function realTimeWaits(options: { scale: number; maxMs: number }): WaitStrategy {
  return {
    onWait(seconds) {
      return Math.min(options.maxMs, Math.round(seconds * 1000 * options.scale));
    },
  };
}
