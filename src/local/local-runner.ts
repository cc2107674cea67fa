import './polyfills';
import type { Context } from 'aws-lambda';
import { ExecutionAbortedError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import type { Sleeper, VirtualClock } from './clock';
import { recordHistory, type LocalEngineEvent } from './local-runner-history';
import { ExecutionLimits, isUncatchable, type ExecutionLimitOptions } from './local-runner-limits';
import { RetrySchedule, waitMilliseconds, withScheduledWaits } from './local-runner-timing';
import type { ExecutionOutcome, ExecutionRequest, ExecutionRunner, RunnerHistoryEvent } from './step-functions';
import type { TaskTokens } from './step-functions/task-tokens';
import { taskTokenWaiter, waitingTaskTimeouts, withLocalCallbacks } from './local-runner-callbacks';
import { asLambdaFunctionError, lambdaError, localLambdaContext, LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN, mapTaskStatesToFunctions, roundTripJson } from './local-lambda';

export { localLambdaContext };

/** A handler as the local runner calls it: the deployed function's code, in process. */
export type LocalLambdaHandler = (event: never, context: Context) => Promise<unknown>;

/**
 * How time passes for the runner's executions.
 * - `virtual`: every pause (a Wait, a retry interval, an injected hang, the execution's
 *   `TimeoutSeconds`) is a wake-up on the discrete-event clock, and handler code holds the clock
 *   still while it runs. Recorded times are the ones Step Functions would record.
 * - `realtime`: pauses are real, through `sleeper` (shortened for `local up`); the engine keeps
 *   its own execution timeout.
 */
export type RunnerTime =
  | { mode: 'virtual'; clock: VirtualClock }
  /** `taskTimeoutSleeper` (default `sleeper`) times `.waitForTaskToken` Tasks, which end by their events: not capped, or they busy-loop. */
  | { mode: 'realtime'; sleeper: Sleeper; taskTimeoutSleeper?: Sleeper };

export interface LocalRunnerOptions {
  /** The ASL definition, exactly as deployed. */
  definition: AslDefinition;
  /**
   * Handlers by function key: the part of a Task's `FunctionName` after `${sls:stage}-`, i.e. the
   * function's key in serverless.yml (`startJob`, `getJobStatus`, ...).
   */
  handlers: Record<string, LocalLambdaHandler>;
  time: RunnerTime;
  /** Randomness for Retry's `JitterStrategy: FULL` (tests pin it). Default `Math.random`. */
  random?: () => number;
  /** Step Functions quotas to enforce; lowered by tests. Default: AWS's own. */
  limits?: ExecutionLimitOptions;
  /**
   * Makes an invocation fail as Lambda sometimes does. An error name alone fails it before the
   * handler runs (`Lambda.TooManyRequestsException` and friends); `{ error, afterHandler: true }`
   * lets the handler run to completion and then loses its response (a crash after its side effect,
   * `Lambda.Unknown`), so the retry meets whatever the first attempt already did. `holdSeconds`
   * makes the failed invocation last that long on the clock first (a timeout: the Task's
   * `TimeoutSeconds`, then `States.Timeout`).
   */
  injectFault?: (functionKey: string, invocationNumber: number) => InjectedFault | undefined;
  /**
   * Where `.waitForTaskToken` Tasks mint their tokens; the Step Functions stand-in completes them
   * (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat) from the same object.
   */
  taskTokens?: TaskTokens;
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  [key: string]: unknown;
}

export interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: { FunctionName?: string; [key: string]: unknown };
  Seconds?: number;
  SecondsPath?: string;
  Timestamp?: string;
  TimestampPath?: string;
  TimeoutSeconds?: number;
  Retry?: unknown[];
  [key: string]: unknown;
}


export type InjectedFault = string | { error: string; afterHandler: true; holdSeconds?: number };

/**
 * Executes the deployed ASL file in process with aws-local-stepfunctions, mapping each
 * `lambda:invoke` Task to the in-process handler and reporting Step Functions history events.
 *
 * Invocations behave like Lambda's: the payload goes through JSON both ways, and a thrown error
 * surfaces to Retry/Catch with its `name` as the error and Lambda's error JSON
 * (`{"errorType","errorMessage","trace"}`) as the cause. Wait states and retry intervals pause on
 * the runner's clock (see {@link RunnerTime}); the Context Object's `Execution.StartTime` is the
 * stand-in's start date; Step Functions' payload and history quotas are enforced
 * ({@link ExecutionLimits}).
 */
export function createLocalRunner(options: LocalRunnerOptions): ExecutionRunner {
  const taskFunctionKeys = mapTaskStatesToFunctions(options.definition, options.handlers);
  const { definition: withWaits, waitStates } = withScheduledWaits(options.definition);
  // aws-local-stepfunctions has no callback pattern: the runner provides `.waitForTaskToken`.
  const { definition: scheduled, callbackStates } = withLocalCallbacks(withWaits, LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN);
  const virtualClock = options.time.mode === 'virtual' ? options.time.clock : undefined;
  const sleeper: Sleeper = options.time.mode === 'virtual' ? options.time.clock : options.time.sleeper;
  const track = <T>(work: () => Promise<T>): Promise<T> => (virtualClock ? virtualClock.track(work) : work());
  const now = () => (virtualClock ? virtualClock.now() : Date.now());
  // In virtual time the execution's TimeoutSeconds is a wake-up too, not a real timer of days.
  const { TimeoutSeconds: executionTimeoutSeconds, ...withoutTimeout } = scheduled;
  const stateMachine = new StateMachine((virtualClock ? withoutTimeout : scheduled) as never, {
    // The ASL's FunctionName holds Serverless variables until deployment; they are not ARNs yet.
    validationOptions: { checkArn: false },
  });
  // The engine retries at once; the runner pauses for the ASL's interval before the next attempt.
  const retryIntervalOverrides = Object.fromEntries(
    Object.entries(scheduled.States)
      .filter(([, state]) => Array.isArray(state.Retry))
      .map(([name]) => [name, 0]),
  );
  const invocationCounts = new Map<string, number>();

  return async function runLocally(
    request: ExecutionRequest,
    emit: (event: RunnerHistoryEvent) => void,
    closed?: AbortSignal,
  ): Promise<ExecutionOutcome> {
    const ended = new AbortController();
    const limits = new ExecutionLimits(options.limits);
    const retries = new RetrySchedule(options.definition.States, options.random ?? Math.random);
    let abortEngine = () => undefined as void;

    /** Lets the history reader catch up (a state just entered or exited may be over the quota). */
    const checkLimits = async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      limits.throwIfViolated();
    };

    const invokeFunction = async (stateName: string, functionKey: string, taskInput: { Payload?: unknown }) => {
      // A closed (stopped, timed out) execution schedules no more Tasks, even a retry the engine still makes.
      if (ended.signal.aborted) throw lambdaError('States.Runtime', `The execution closed before Task "${stateName}" could run`);
      const count = (invocationCounts.get(functionKey) ?? 0) + 1;
      invocationCounts.set(functionKey, count);
      const fault = options.injectFault?.(functionKey, count);
      if (typeof fault === 'string') throw lambdaError(fault, `Injected fault: ${fault}`);
      const handler = options.handlers[functionKey];
      if (!handler) throw lambdaError('Lambda.ResourceNotFoundException', `No local handler for ${functionKey}`);
      const payload = roundTripJson(taskInput.Payload ?? {});
      const result = await track(async () => {
        try {
          return roundTripJson(await handler(payload as never, localLambdaContext(functionKey)));
        } catch (error) {
          throw asLambdaFunctionError(error);
        }
      });
      if (fault) {
        if (fault.holdSeconds) await sleeper.sleep(fault.holdSeconds * 1000, ended.signal);
        throw lambdaError(fault.error, `Injected fault after the handler ran: ${fault.error} (${stateName})`);
      }
      return result;
    };

    const taskResourceLocalHandlers: Record<string, (input: never) => Promise<unknown>> = {};
    for (const [stateName, functionKey] of taskFunctionKeys) {
      if (callbackStates.has(stateName)) continue;
      taskResourceLocalHandlers[stateName] = async (taskInput: { FunctionName?: string; Payload?: unknown }) => {
        const retryDelay = retries.takeDelay(stateName);
        if (retryDelay > 0) await sleeper.sleep(retryDelay, ended.signal);
        await checkLimits();
        limits.checkPayload(`parameters of Task "${stateName}"`, taskInput);
        limits.countEvents(2); // TaskScheduled, TaskStarted
        limits.throwIfViolated();
        try {
          const response = { Payload: await invokeFunction(stateName, functionKey, taskInput), StatusCode: 200, ExecutedVersion: '$LATEST' };
          limits.countEvents(1); // TaskSucceeded
          limits.checkPayload(`result of Task "${stateName}"`, response);
          limits.throwIfViolated();
          retries.reset(stateName);
          return response;
        } catch (error) {
          if (isUncatchable(error)) throw error;
          limits.countEvents(1); // TaskFailed
          retries.afterFailure(stateName, error instanceof Error ? error.name : 'Error');
          throw error;
        }
      };
    }
    for (const stateName of callbackStates) {
      const functionKey = taskFunctionKeys.get(stateName) as string;
      const original = options.definition.States[stateName] as AslState;
      taskResourceLocalHandlers[stateName] = async (parameters: { FunctionName?: string; Payload?: unknown }) => {
        const retryDelay = retries.takeDelay(stateName);
        if (retryDelay > 0) await sleeper.sleep(retryDelay, ended.signal);
        await checkLimits();
        const { taskInput, timeoutSeconds, heartbeatSeconds } = waitingTaskTimeouts(stateName, original, parameters);
        limits.checkPayload(`parameters of Task "${stateName}"`, taskInput);
        limits.countEvents(3); // TaskScheduled, TaskStarted, TaskSubmitted
        limits.throwIfViolated();
        try {
          const output = await waitForTaskToken(stateName, functionKey, taskInput, timeoutSeconds, heartbeatSeconds);
          limits.countEvents(1); // TaskSucceeded
          limits.checkPayload(`result of Task "${stateName}"`, output);
          limits.throwIfViolated();
          retries.reset(stateName);
          return output;
        } catch (error) {
          if (isUncatchable(error)) throw error;
          limits.countEvents(1); // TaskFailed or TaskTimedOut
          retries.afterFailure(stateName, error instanceof Error ? error.name : 'Error');
          throw error;
        }
      };
    }

    const waitForTaskToken = taskTokenWaiter({
      tokens: options.taskTokens,
      sleeper: options.time.mode === 'realtime' ? (options.time.taskTimeoutSleeper ?? sleeper) : sleeper,
      ended: ended.signal,
      invoke: (stateName, functionKey, taskInput) => invokeFunction(stateName, functionKey, taskInput),
    });

    for (const [stateName, waitState] of waitStates) {
      taskResourceLocalHandlers[stateName] = async (input: unknown) => {
        await checkLimits();
        await sleeper.sleep(waitMilliseconds(stateName, waitState, input, now()), ended.signal);
        await checkLimits();
        return null;
      };
    }

    let timedOut = false;
    const execution = withContextStartTime(request.startDate, () =>
      stateMachine.run(JSON.parse(request.input), {
        overrides: { taskResourceLocalHandlers, retryIntervalOverrides },
        context: { Execution: { Id: request.executionArn, Name: request.name } },
      } as never),
    );
    abortEngine = () => execution.abort();
    if (virtualClock && executionTimeoutSeconds !== undefined) {
      void sleeper.sleep(executionTimeoutSeconds * 1000, ended.signal).then(() => {
        if (ended.signal.aborted) return;
        timedOut = true;
        abortEngine();
      });
    }

    const history = recordHistory(execution.eventLogs as AsyncIterable<LocalEngineEvent>, { emit, waitStates, limits, onViolation: () => abortEngine() });
    // StopExecution: the engine stops where it is (a Wait ends, no further Task is invoked).
    const stop = () => abortEngine();
    closed?.addEventListener('abort', stop, { once: true });
    let outcome: ExecutionOutcome;
    try {
      const output: unknown = await execution.result;
      limits.checkPayload('output of the execution', output);
      outcome = { status: 'SUCCEEDED', output: JSON.stringify(output ?? null) };
    } catch (error) {
      outcome = timedOut ? TIMED_OUT : failureOutcome(error);
    } finally {
      closed?.removeEventListener('abort', stop);
      ended.abort();
    }
    await history;
    if (limits.violation) return { status: 'FAILED', error: limits.violation.error, cause: limits.violation.cause };
    return outcome;
  };
}

const TIMED_OUT: ExecutionOutcome = { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution exceeded its TimeoutSeconds' };

/**
 * The engine builds the Context Object's `Execution.StartTime` from `new Date()` as `run` starts,
 * synchronously. The execution started when the stand-in says (its clock, virtual or not), so
 * `new Date()` is that date for the length of the call, and nothing else changes.
 */
function withContextStartTime<T>(startDate: Date, run: () => T): T {
  const RealDate = globalThis.Date;
  const startMs = startDate.getTime();
  class StartDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(startMs);
      else super(...(args as [string | number]));
    }
  }
  globalThis.Date = StartDate as DateConstructor;
  try {
    return run();
  } finally {
    globalThis.Date = RealDate;
  }
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
