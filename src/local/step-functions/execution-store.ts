import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { Clock } from '../clock';
import {
  EXECUTION_LEVEL_EVENT_TYPES,
  ExecutionHistory,
  HISTORY_LIMIT_CAUSE,
  MAX_HISTORY_EVENTS,
} from './history';
import type { ExecutionOutcome, ExecutionSnapshot, ExecutionStatus, RunnerHistoryEvent } from './types';

/** Execution input and output are capped at 256 KiB of UTF-8. */
export const MAX_PAYLOAD_BYTES = 262_144;

export interface NewExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  roleArn: string;
  traceHeader?: string;
}

type HistoryPublisher = (executionArn: string, event: HistoryEvent) => void;

/**
 * One execution: its status, its history, and a promise that settles when it closes. The status
 * only ever moves from RUNNING to one closed status; once closed, later events and outcomes from
 * the runner are ignored, and the runner is told through `closedSignal` (StopExecution, the history
 * quota) so it can stop working; one that ignores the signal runs on detached.
 */
export class Execution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly traceHeader: string | undefined;
  readonly roleArn: string;
  readonly startDate: Date;
  /** Start order across the whole stand-in; orders listings newest first even when clocks tie. */
  readonly sequence: number;
  readonly history = new ExecutionHistory();
  /** Never rejects. */
  readonly settled: Promise<ExecutionSnapshot>;

  private statusValue: ExecutionStatus = 'RUNNING';
  private outcome: ExecutionOutcome | undefined;
  private stopDateValue: Date | undefined;
  private resolveSettled!: (snapshot: ExecutionSnapshot) => void;
  /** Aborted when the execution closes, so a runner still working (after StopExecution) stops too. */
  private readonly closed = new AbortController();

  constructor(
    init: NewExecution,
    sequence: number,
    private readonly clock: Clock,
    private readonly publish: HistoryPublisher,
  ) {
    this.executionArn = init.executionArn;
    this.stateMachineArn = init.stateMachineArn;
    this.name = init.name;
    this.input = init.input;
    this.traceHeader = init.traceHeader;
    this.sequence = sequence;
    this.startDate = new Date(clock.now());
    this.roleArn = init.roleArn;
    this.settled = new Promise((resolve) => {
      this.resolveSettled = resolve;
    });
  }

  /**
   * Records `ExecutionStarted`. Separate from the constructor so the store can index the execution
   * first: listeners hearing this event may already look it up.
   */
  recordStarted(): void {
    if (this.history.size > 0) return;
    this.append(
      {
        type: 'ExecutionStarted',
        executionStartedEventDetails: { input: this.input, inputDetails: { truncated: false }, roleArn: this.roleArn },
      },
      this.startDate,
    );
  }

  get status(): ExecutionStatus {
    return this.statusValue;
  }

  get isRunning(): boolean {
    return this.statusValue === 'RUNNING';
  }

  get stopDate(): Date | undefined {
    return this.stopDateValue && new Date(this.stopDateValue.getTime());
  }

  get output(): string | undefined {
    return this.outcome?.status === 'SUCCEEDED' ? this.outcome.output : undefined;
  }

  get error(): string | undefined {
    return this.outcome && this.outcome.status !== 'SUCCEEDED' ? this.outcome.error : undefined;
  }

  get cause(): string | undefined {
    return this.outcome && this.outcome.status !== 'SUCCEEDED' ? this.outcome.cause : undefined;
  }

  /**
   * Records an event reported by the runner. Never throws: it is called from inside the runner
   * (often from an interpreter's callbacks), where an exception could be swallowed or crash it.
   */
  recordRunnerEvent(event: RunnerHistoryEvent): void {
    if (!this.isRunning) return;
    if (typeof event?.type === 'string' && EXECUTION_LEVEL_EVENT_TYPES.has(event.type)) return;
    // Keep the last slot for the closing event, so a history never exceeds the quota.
    if (this.history.size >= MAX_HISTORY_EVENTS - 1) {
      this.close({ status: 'FAILED', error: 'States.Runtime', cause: HISTORY_LIMIT_CAUSE });
      return;
    }
    try {
      this.append(event, new Date(this.clock.now()));
    } catch (error) {
      this.close({
        status: 'FAILED',
        error: 'States.Runtime',
        cause: `The runner emitted a history event that cannot be recorded: ${describeThrown(error)}`,
      });
    }
  }

  /** Aborted once the execution has closed, whoever closed it: the runner's signal to stop working. */
  get closedSignal(): AbortSignal {
    return this.closed.signal;
  }

  /** Records the closing event and settles `settled`. Does nothing if already closed. */
  close(outcome: ExecutionOutcome): void {
    if (!this.isRunning) return;
    const stopDate = new Date(this.clock.now());
    this.statusValue = outcome.status;
    this.outcome = outcome;
    this.stopDateValue = stopDate;
    this.append(closingEvent(outcome), stopDate);
    this.resolveSettled(this.snapshot());
    this.closed.abort();
  }

  snapshot(): ExecutionSnapshot {
    const snapshot: ExecutionSnapshot = {
      executionArn: this.executionArn,
      stateMachineArn: this.stateMachineArn,
      name: this.name,
      status: this.statusValue,
      input: this.input,
      startDate: new Date(this.startDate.getTime()),
    };
    if (this.output !== undefined) snapshot.output = this.output;
    if (this.error !== undefined) snapshot.error = this.error;
    if (this.cause !== undefined) snapshot.cause = this.cause;
    if (this.stopDateValue) snapshot.stopDate = new Date(this.stopDateValue.getTime());
    return snapshot;
  }

  private append(event: RunnerHistoryEvent, timestamp: Date): void {
    const stored = this.history.append(event, timestamp);
    this.publish(this.executionArn, stored);
  }
}

/** Every execution ever started, kept for the life of the stand-in so that names stay reserved. */
export class ExecutionStore {
  private readonly byArn = new Map<string, Execution>();

  constructor(
    private readonly clock: Clock,
    private readonly publish: HistoryPublisher,
  ) {}

  get(executionArn: string): Execution | undefined {
    return this.byArn.get(executionArn);
  }

  /** The caller has checked that the ARN is free; a duplicate here is a bug in the stand-in. */
  create(init: NewExecution): Execution {
    if (this.byArn.has(init.executionArn)) throw new Error(`Execution ${init.executionArn} already exists`);
    const execution = new Execution(init, this.byArn.size + 1, this.clock, this.publish);
    this.byArn.set(init.executionArn, execution);
    execution.recordStarted();
    return execution;
  }

  /** Puts back an execution built elsewhere (`persistence.ts`), keeping its name reserved. */
  adopt(build: (sequence: number) => Execution): Execution {
    const execution = build(this.byArn.size + 1);
    this.byArn.set(execution.executionArn, execution);
    return execution;
  }

  /** Oldest first (Map iteration follows insertion order). */
  all(): Execution[] {
    return [...this.byArn.values()];
  }

  running(): Execution[] {
    return this.all().filter((execution) => execution.isRunning);
  }
}

const outcomeStatuses: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/**
 * Checks what a runner resolved with. Runners are our own code, but an outcome AWS could never
 * produce (no output, output that is not JSON or is over the payload quota) would make the stand-in
 * lie to the code under test, so it becomes a failed execution with a cause saying why.
 */
export function outcomeFromRunner(value: unknown): ExecutionOutcome {
  const status: unknown = typeof value === 'object' && value !== null ? (value as { status?: unknown }).status : undefined;
  if (typeof status !== 'string' || !outcomeStatuses.has(status)) {
    return runtimeFailure(`The runner resolved with an invalid outcome: ${safeJson(value)}`);
  }
  const raw = value as { status: ExecutionOutcome['status']; output?: unknown; error?: unknown; cause?: unknown };
  if (raw.status === 'SUCCEEDED') {
    if (typeof raw.output !== 'string') return runtimeFailure('The runner reported success without a string output');
    try {
      JSON.parse(raw.output);
    } catch {
      return runtimeFailure(`The runner reported an output that is not JSON: ${raw.output.slice(0, 200)}`);
    }
    if (Buffer.byteLength(raw.output, 'utf8') > MAX_PAYLOAD_BYTES) {
      return {
        status: 'FAILED',
        error: 'States.DataLimitExceeded',
        cause: 'The execution output has a size exceeding the maximum number of bytes service limit.',
      };
    }
    return { status: 'SUCCEEDED', output: raw.output };
  }
  const outcome: Exclude<ExecutionOutcome, { status: 'SUCCEEDED' }> = { status: raw.status };
  if (typeof raw.error === 'string') outcome.error = raw.error;
  if (typeof raw.cause === 'string') outcome.cause = raw.cause;
  return outcome;
}

/** The outcome for a runner that threw or rejected. */
export function outcomeFromThrown(thrown: unknown): ExecutionOutcome {
  return runtimeFailure(describeThrown(thrown));
}

function runtimeFailure(cause: string): ExecutionOutcome {
  return { status: 'FAILED', error: 'States.Runtime', cause };
}

function closingEvent(outcome: ExecutionOutcome): RunnerHistoryEvent {
  if (outcome.status === 'SUCCEEDED') {
    return {
      type: 'ExecutionSucceeded',
      executionSucceededEventDetails: { output: outcome.output, outputDetails: { truncated: false } },
    };
  }
  const details: { error?: string; cause?: string } = {};
  if (outcome.error !== undefined) details.error = outcome.error;
  if (outcome.cause !== undefined) details.cause = outcome.cause;
  switch (outcome.status) {
    case 'FAILED':
      return { type: 'ExecutionFailed', executionFailedEventDetails: details };
    case 'TIMED_OUT':
      return { type: 'ExecutionTimedOut', executionTimedOutEventDetails: details };
    case 'ABORTED':
      return { type: 'ExecutionAborted', executionAbortedEventDetails: details };
  }
}

function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message || thrown.name;
  return typeof thrown === 'string' ? thrown : safeJson(thrown);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
