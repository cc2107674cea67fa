import type { SavedExecution } from './persistence';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { Clock } from '../clock';
import type { TaskTokens } from './task-tokens';

/** How a runner says an execution ended. The stand-in records the matching closing history event. */
export type ExecutionOutcome =
  | { status: 'SUCCEEDED'; output: string }
  | { status: 'FAILED' | 'TIMED_OUT' | 'ABORTED'; error?: string; cause?: string };

/** History events as the runner reports them; the stand-in assigns id, previousEventId, timestamp. */
export type RunnerHistoryEvent = Omit<HistoryEvent, 'id' | 'previousEventId' | 'timestamp'>;

export interface ExecutionRequest {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  /** The execution input exactly as given to StartExecution (`"{}"` when it was omitted). */
  input: string;
  startDate: Date;
}

/**
 * Runs one execution of a state machine. The stand-in calls it once per started execution, after
 * recording `ExecutionStarted`, and records the closing event from the outcome itself: `emit` is for
 * the events in between (states entered and exited, tasks, waits). Execution-level events emitted by
 * the runner are ignored, so a runner may forward an interpreter's whole event stream.
 *
 * A runner that throws or rejects ends the execution FAILED with error `States.Runtime`.
 * `closed` is aborted when the stand-in closes the execution without the runner (StopExecution,
 * the history quota): the runner should stop invoking anything; whatever it resolves with then is ignored.
 */
export type ExecutionRunner = (
  request: ExecutionRequest,
  emit: (event: RunnerHistoryEvent) => void,
  closed?: AbortSignal,
) => Promise<ExecutionOutcome>;

export interface StandInStateMachine {
  /** Step Functions name rules apply (1–80 characters, no whitespace or special characters). */
  name: string;
  /** Amazon States Language, as a JSON string; returned by DescribeStateMachine. */
  definition: string;
  roleArn: string;
  runner: ExecutionRunner;
  /** Only Standard workflows: their StartExecution idempotency is what the orchestrator relies on. */
  type?: 'STANDARD';
}

export interface StepFunctionsStandInOptions {
  /** Executions of an earlier stand-in to serve again, closed (`--data-dir`; see `persistence.ts`). */
  restoredExecutions?: SavedExecution[];
  stateMachines: StandInStateMachine[];
  /** Default `systemClock`; used for startDate/stopDate/event timestamps. */
  clock?: Clock;
  /** Default `LOCAL_REGION`. */
  region?: string;
  /** Default `LOCAL_ACCOUNT_ID`. */
  accountId?: string;
  /** Default 0: a free port. */
  port?: number;
  /**
   * The task tokens of the runners' `.waitForTaskToken` Tasks (the same object the local runner
   * mints them in); SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat complete or probe them.
   * Without it every token is unknown (TaskDoesNotExist).
   */
  taskTokens?: TaskTokens;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionSnapshot {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: Date;
  stopDate?: Date;
}

export interface StepFunctionsStandIn {
  /** `http://127.0.0.1:<port>`: pass it as the `endpoint` of an `SFNClient`. */
  endpoint: string;
  /** `arn:aws:states:<region>:<account>:stateMachine:<name>` (whether or not it is configured). */
  stateMachineArn(name: string): string;
  /**
   * Resolves when the execution has closed (for tests and the CLI); rejects with an `AwsServiceError`
   * of type `ExecutionDoesNotExist` if no execution has that ARN.
   */
  waitForExecution(executionArn: string): Promise<ExecutionSnapshot>;
  /** Resolves when every execution started before the call has closed. */
  idle(): Promise<void>;
  /** Every execution ever started, oldest first. */
  executions(): ExecutionSnapshot[];
  /** Every execution with its history, as `restoredExecutions` takes them back. */
  savedExecutions(): SavedExecution[];
  /**
   * Subscribe to each history event as it is recorded (the CLI prints progress from this).
   * Returns the unsubscribe function. A listener that throws is reported as a process warning and
   * does not disturb the execution.
   */
  onHistoryEvent(listener: (executionArn: string, event: HistoryEvent) => void): () => void;
  /**
   * Stops the HTTP server without waiting for executions: runners cannot be cancelled, so running
   * executions carry on detached and their outcomes are still recorded (`waitForExecution`,
   * `executions()` and `onHistoryEvent` keep working). Call `idle()` first to let them finish.
   */
  close(): Promise<void>;
}
