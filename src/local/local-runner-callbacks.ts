import type { Sleeper } from './clock';
import { lambdaError } from './local-lambda';
import type { AslDefinition, AslState } from './local-runner';
import type { TaskTokens } from './step-functions/task-tokens';

/**
 * What `$$.Task.Token` becomes in the definition the engine runs: aws-local-stepfunctions 3.0.0 has
 * no callback pattern (its Context Object has no `Task.Token`), so the runner puts this literal
 * there and replaces it with the token it mints for each attempt.
 */
export const TASK_TOKEN_PLACEHOLDER = '<local task token>';
/** A hidden parameter carrying `TimeoutSecondsPath`'s value, read from the state's own input by the engine. */
const TIMEOUT_PARAMETER = '__localTimeoutSeconds';
/** As for Waits (see local-runner-timing.ts): the engine's own real-time Task timeout, out of the way. */
const ENGINE_TIMEOUT_SECONDS = 2_000_000;

/**
 * Rewrites each `.waitForTaskToken` Task for the engine: `$$.Task.Token` becomes a placeholder,
 * `TimeoutSecondsPath` a hidden parameter, and the timeouts are the runner's (on its clock), not
 * the engine's. Returns the rewritten definition and the names of those Tasks.
 */
export function withLocalCallbacks(definition: AslDefinition, resource: string): { definition: AslDefinition; callbackStates: Set<string> } {
  const callbackStates = new Set<string>();
  const states: Record<string, AslState> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task' || state.Resource !== resource) {
      states[name] = state;
      continue;
    }
    callbackStates.add(name);
    const { TimeoutSecondsPath, HeartbeatSeconds: _h, HeartbeatSecondsPath: _hp, ...rest } = state;
    const parameters = replaceTokenPath(state.Parameters ?? {}) as Record<string, unknown>;
    if (typeof TimeoutSecondsPath === 'string') parameters[`${TIMEOUT_PARAMETER}.$`] = TimeoutSecondsPath;
    states[name] = { ...rest, Parameters: parameters, TimeoutSeconds: ENGINE_TIMEOUT_SECONDS };
  }
  return { definition: { ...definition, States: states }, callbackStates };
}

function replaceTokenPath(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(replaceTokenPath);
  if (typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (key.endsWith('.$') && member === '$$.Task.Token') result[key.slice(0, -2)] = TASK_TOKEN_PLACEHOLDER;
    else result[key] = replaceTokenPath(member);
  }
  return result;
}

/** The minted token wherever the placeholder stands. */
export function withTaskToken<T>(value: T, token: string): T {
  return JSON.parse(JSON.stringify(value), (_key, member: unknown) => (member === TASK_TOKEN_PLACEHOLDER ? token : member)) as T;
}

/**
 * The Task's parameters without the hidden one, and its timeouts in seconds as Step Functions reads
 * them: `TimeoutSeconds` or `TimeoutSecondsPath` (a positive integer, else States.Runtime), and
 * `HeartbeatSeconds`.
 */
export function waitingTaskTimeouts(
  stateName: string,
  original: AslState,
  parameters: Record<string, unknown>,
): { taskInput: { Payload?: unknown }; timeoutSeconds: number | undefined; heartbeatSeconds: number | undefined } {
  const { [TIMEOUT_PARAMETER]: fromPath, ...taskInput } = parameters;
  let timeoutSeconds = typeof original.TimeoutSeconds === 'number' ? original.TimeoutSeconds : undefined;
  if (typeof original.TimeoutSecondsPath === 'string') {
    if (typeof fromPath !== 'number' || !Number.isInteger(fromPath) || fromPath < 1) {
      const error = new Error(`Task "${stateName}": ${original.TimeoutSecondsPath} must be a positive integer, got ${JSON.stringify(fromPath)}`);
      error.name = 'States.Runtime';
      throw error;
    }
    timeoutSeconds = fromPath;
  }
  const heartbeatSeconds = typeof original.HeartbeatSeconds === 'number' ? original.HeartbeatSeconds : undefined;
  return { taskInput, timeoutSeconds, heartbeatSeconds };
}

export interface TaskTokenWaiterOptions {
  /** Where tokens are minted, and completed by SendTaskSuccess/Failure/Heartbeat on the stand-in. */
  tokens: TaskTokens | undefined;
  /** The runner's clock: the Task's timeouts are wake-ups on it. */
  sleeper: Sleeper;
  /** Aborted when the execution closes: a waiting Task ends with it. */
  ended: AbortSignal;
  /** Invokes the Task's function with the payload (the token in place). */
  invoke: (stateName: string, functionKey: string, taskInput: { Payload?: unknown }) => Promise<unknown>;
}

/**
 * One attempt of a `.waitForTaskToken` Task: mint a token, put it where the ASL says
 * `$$.Task.Token`, invoke the function, then wait (blocked on the clock, not in flight) for
 * SendTaskSuccess / SendTaskFailure on the stand-in, the Task's `TimeoutSeconds` (States.Timeout)
 * or its `HeartbeatSeconds` since the last heartbeat (States.HeartbeatTimeout).
 *
 * @returns the output SendTaskSuccess gave, parsed
 * @throws the error SendTaskFailure gave, States.Timeout, States.HeartbeatTimeout, or States.Runtime
 *   when the runner has no task tokens or the execution closed
 */
export function taskTokenWaiter(options: TaskTokenWaiterOptions) {
  const { sleeper, ended } = options;
  return async (stateName: string, functionKey: string, taskInput: { Payload?: unknown }, timeoutSeconds: number | undefined, heartbeatSeconds: number | undefined): Promise<unknown> => {
    const tokens = options.tokens;
    if (!tokens) throw lambdaError('States.Runtime', `Task "${stateName}" waits for a task token, but the runner has no task tokens`);
    type Ending = { output: string } | { error: string; cause: string };
    let finish: (ending: Ending) => void = () => undefined;
    const ending = new Promise<Ending>((resolve) => (finish = resolve));
    const timers = new AbortController();
    const onEnded = () => finish({ error: 'States.Runtime', cause: 'The execution closed' });
    ended.addEventListener('abort', onEnded, { once: true });
    let heartbeatTimer: AbortController | undefined;
    // One listener for the whole wait: a heartbeat every few minutes for hours must not pile them up.
    timers.signal.addEventListener('abort', () => heartbeatTimer?.abort(), { once: true });
    const restartHeartbeat = () => {
      if (heartbeatSeconds === undefined) return;
      heartbeatTimer?.abort();
      const current = new AbortController();
      heartbeatTimer = current;
      void sleeper.sleep(heartbeatSeconds * 1000, current.signal).then(() => {
        if (!current.signal.aborted) finish({ error: 'States.HeartbeatTimeout', cause: `No heartbeat within HeartbeatSeconds (${heartbeatSeconds})` });
      });
    };
    const token = tokens.mint({ settle: finish, heartbeat: restartHeartbeat });
    try {
      if (timeoutSeconds !== undefined) {
        void sleeper.sleep(timeoutSeconds * 1000, timers.signal).then(() => {
          if (!timers.signal.aborted) finish({ error: 'States.Timeout', cause: `The Task did not complete within TimeoutSeconds (${timeoutSeconds})` });
        });
      }
      restartHeartbeat();
      await options.invoke(stateName, functionKey, withTaskToken(taskInput, token));
      const result = await ending;
      if ('output' in result) return JSON.parse(result.output) as unknown;
      throw lambdaError(result.error, result.cause);
    } finally {
      tokens.close(token);
      timers.abort();
      ended.removeEventListener('abort', onEnded);
    }
  };
}
