import type { AslDefinition, AslState } from './local-runner';

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
