import type { AslDefinition, AslState } from './local-runner';

/**
 * The Resource a Wait state is given when the local runner takes over its timing. The engine
 * (aws-local-stepfunctions) can only pause a Wait with a real `setTimeout`; as a Task, the pause is
 * a handler of ours that sleeps on the runner's clock, so each Wait registers its own wake-up.
 */
export const LOCAL_WAIT_RESOURCE = 'arn:aws:states:::local:wait';

/**
 * The engine times every Task out after `TimeoutSeconds` of real time (60 s by default). A Wait has
 * no such limit; 2,000,000 s is the longest `setTimeout` accepts (2^31 - 1 ms), and the timer is
 * cleared as soon as the pause ends.
 */
const WAIT_TASK_TIMEOUT_SECONDS = 2_000_000;

/**
 * Rewrites each Wait state as a Task the runner handles, keeping what a Wait does with its data:
 * `InputPath` selects the input the duration is read from, the output is the input (`ResultPath:
 * null`), then `OutputPath`. Returns the rewritten definition and the names of the Waits.
 */
export function withScheduledWaits(definition: AslDefinition): { definition: AslDefinition; waitStates: Map<string, AslState> } {
  const waitStates = new Map<string, AslState>();
  const states: Record<string, AslState> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Wait') {
      states[name] = state;
      continue;
    }
    waitStates.set(name, state);
    const { Seconds: _s, SecondsPath: _sp, Timestamp: _t, TimestampPath: _tp, Type: _type, ...flow } = state;
    states[name] = { ...flow, Type: 'Task', Resource: LOCAL_WAIT_RESOURCE, ResultPath: null, TimeoutSeconds: WAIT_TASK_TIMEOUT_SECONDS };
  }
  return { definition: { ...definition, States: states }, waitStates };
}

/**
 * How long a Wait state pauses for `input` (its effective input, after `InputPath`), in ms:
 * `Seconds`, `SecondsPath`, `Timestamp` or `TimestampPath`, as Step Functions reads them. A
 * timestamp in the past does not pause. A path that does not hold a non-negative integer (or an
 * RFC 3339 timestamp) fails the state with `States.Runtime`, as on AWS.
 */
export function waitMilliseconds(stateName: string, state: AslState, input: unknown, nowMs: number): number {
  if (typeof state.Seconds === 'number') return state.Seconds * 1000;
  if (typeof state.Timestamp === 'string') return Math.max(0, Date.parse(state.Timestamp) - nowMs);
  if (typeof state.SecondsPath === 'string') {
    const seconds = valueAtPath(input, state.SecondsPath);
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
      throw runtimeError(`Wait "${stateName}": ${state.SecondsPath} must be a non-negative integer, got ${JSON.stringify(seconds)}`);
    }
    return seconds * 1000;
  }
  if (typeof state.TimestampPath === 'string') {
    const timestamp = valueAtPath(input, state.TimestampPath);
    const at = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
    if (Number.isNaN(at)) throw runtimeError(`Wait "${stateName}": ${state.TimestampPath} must be a timestamp, got ${JSON.stringify(timestamp)}`);
    return Math.max(0, at - nowMs);
  }
  throw runtimeError(`Wait "${stateName}" has no Seconds, SecondsPath, Timestamp or TimestampPath`);
}

/** A simple reference path (`$`, `$.a.b`, `$.a[0]`), which is all a Wait's path may be. */
function valueAtPath(document: unknown, path: string): unknown {
  if (path === '$') return document;
  if (!path.startsWith('$')) return undefined;
  let current: unknown = document;
  for (const segment of path.slice(1).match(/\.[^.[\]]+|\[\d+\]/g) ?? []) {
    if (typeof current !== 'object' || current === null) return undefined;
    const key = segment.startsWith('[') ? Number(segment.slice(1, -1)) : segment.slice(1);
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function runtimeError(message: string): Error {
  const error = new Error(message);
  error.name = 'States.Runtime';
  return error;
}

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

/**
 * Retry intervals computed from the state's own Retry policy, as Step Functions computes them:
 * the first retrier whose `ErrorEquals` matches (`States.ALL`; `States.TaskFailed` for any Task
 * error but `States.Timeout`) decides; its interval is `IntervalSeconds × BackoffRate^n` for its
 * n-th retry (defaults 1 s, 2.0, 3 attempts), capped at `MaxDelaySeconds`, and with
 * `JitterStrategy: FULL` drawn uniformly from [0, interval]. The engine is told to retry at once;
 * the runner pauses for this interval on its clock before the next attempt instead.
 *
 * Counters live for one entry into a state, as the engine's: they reset when the state is left
 * (its Task succeeded, or the error was not retried).
 */
export class RetrySchedule {
  private readonly attempts = new Map<string, number[]>();
  private readonly pending = new Map<string, number>();

  constructor(
    private readonly states: Record<string, AslState>,
    private readonly random: () => number,
  ) {}

  /** Records a failed attempt; returns the ms before the retry, or undefined when none follows. */
  afterFailure(stateName: string, errorName: string): number | undefined {
    const retriers = (this.states[stateName]?.Retry ?? []) as Retrier[];
    const counts = this.attempts.get(stateName) ?? retriers.map(() => 0);
    this.attempts.set(stateName, counts);
    const index = retriers.findIndex((retrier) => retrier.ErrorEquals.some((name) => matches(name, errorName)));
    const retrier = retriers[index];
    if (!retrier || (counts[index] ?? 0) >= (retrier.MaxAttempts ?? 3)) {
      this.reset(stateName);
      return undefined;
    }
    const attempt = counts[index] ?? 0;
    counts[index] = attempt + 1;
    const interval = (retrier.IntervalSeconds ?? 1) * 1000 * Math.pow(retrier.BackoffRate ?? 2, attempt);
    const capped = retrier.MaxDelaySeconds === undefined ? interval : Math.min(interval, retrier.MaxDelaySeconds * 1000);
    const delay = retrier.JitterStrategy === 'FULL' ? Math.floor(this.random() * (capped + 1)) : capped;
    this.pending.set(stateName, delay);
    return delay;
  }

  /** The pause owed before this state's next attempt (0 on a first attempt); consumed once read. */
  takeDelay(stateName: string): number {
    const delay = this.pending.get(stateName) ?? 0;
    this.pending.delete(stateName);
    return delay;
  }

  reset(stateName: string): void {
    this.attempts.delete(stateName);
    this.pending.delete(stateName);
  }
}

function matches(errorEquals: string, errorName: string): boolean {
  if (errorEquals === errorName || errorEquals === 'States.ALL') return true;
  return errorEquals === 'States.TaskFailed' && errorName !== 'States.Timeout';
}
