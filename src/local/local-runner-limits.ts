import { HISTORY_LIMIT_CAUSE, MAX_HISTORY_EVENTS } from './step-functions/history';

/**
 * Step Functions' per-state quota: each state's input and output, and each Task's parameters and
 * result, at most 262,144 bytes of UTF-8. Past it the execution fails with
 * `States.DataLimitExceeded`, which no Retry or Catch handles (aws-facts.md, "AWS Step Functions").
 */
export const MAX_STATE_PAYLOAD_BYTES = 262_144;

export interface ExecutionLimitOptions {
  /** Default {@link MAX_STATE_PAYLOAD_BYTES}; tests lower it to reach it cheaply. */
  payloadBytes?: number;
  /** Default 25,000 (`MAX_HISTORY_EVENTS`); tests lower it. */
  historyEvents?: number;
}

export interface LimitViolation {
  error: 'States.DataLimitExceeded' | 'States.Runtime';
  cause: string;
}

/**
 * The quotas aws-local-stepfunctions does not enforce, for one execution. The runner reports each
 * payload and each event AWS would write to the history; the first breach becomes the execution's
 * failure (`violation`), raised as an error no Retry or Catch of the engine can take.
 *
 * History is counted as AWS writes it, not as the local stand-in records it: ExecutionStarted and
 * the closing event, each state's Entered and Exited, and per Task attempt TaskScheduled,
 * TaskStarted and TaskSucceeded or TaskFailed (a Wait, Task, Choice loop is 9 events per pass).
 */
export class ExecutionLimits {
  violation: LimitViolation | undefined;
  private events = 1; // ExecutionStarted
  private readonly payloadBytes: number;
  private readonly historyEvents: number;

  constructor(options: ExecutionLimitOptions = {}) {
    this.payloadBytes = options.payloadBytes ?? MAX_STATE_PAYLOAD_BYTES;
    this.historyEvents = options.historyEvents ?? MAX_HISTORY_EVENTS;
  }

  /** Checks one state's input or output, or a Task's parameters or result (`what` names it). */
  checkPayload(what: string, value: unknown): void {
    if (this.violation) return;
    const bytes = Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
    if (bytes > this.payloadBytes) {
      this.violation = {
        error: 'States.DataLimitExceeded',
        cause: `The ${what} has a size of ${bytes} bytes, exceeding the maximum number of bytes service limit (${this.payloadBytes}).`,
      };
    }
  }

  /** Counts history events; the closing event always needs the last slot. */
  countEvents(count: number): void {
    if (this.violation) return;
    this.events += count;
    if (this.events + 1 > this.historyEvents) {
      this.violation = { error: 'States.Runtime', cause: HISTORY_LIMIT_CAUSE.replace(String(MAX_HISTORY_EVENTS), String(this.historyEvents)) };
    }
  }

  /** Throws the violation, if any, as an error the engine neither retries nor catches. */
  throwIfViolated(): void {
    if (this.violation) throw uncatchable(this.violation);
  }
}

/** aws-local-stepfunctions honours `isRetryable`/`isCatchable` on thrown errors. */
function uncatchable(violation: LimitViolation): Error {
  const error = Object.assign(new Error(violation.cause), { isRetryable: false, isCatchable: false });
  error.name = violation.error;
  return error;
}

export function isUncatchable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { isCatchable?: boolean }).isCatchable === false;
}
