import {
  DescribeExecutionCommand,
  paginateGetExecutionHistory,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type HistoryEvent,
  type SFNClientConfig,
} from '@aws-sdk/client-sfn';
import type { Executions, StartResult } from '../use-cases/ports';

/** What DescribeExecution says about one execution; `status` is RUNNING until it closes. */
export interface ExecutionDescription {
  executionArn: string;
  name: string | undefined;
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE. */
  status: string | undefined;
  /** The execution's input, JSON text, as StartExecution received it. */
  input?: string | undefined;
  /** The execution's output, JSON text, once it SUCCEEDED. */
  output?: string | undefined;
  startDate?: Date | undefined;
  /** When it closed; absent while RUNNING. */
  stopDate?: Date | undefined;
  error?: string | undefined;
  cause?: string | undefined;
}

/**
 * Adapter over `SFNClient` for executions of one state machine: the trigger starts them, the
 * CLI's `start` starts and follows them.
 */
export class StepFunctionsExecutions implements Executions {
  private readonly client: SFNClient;

  constructor(
    private readonly stateMachineArn: string,
    options: { client?: SFNClient; clientConfig?: SFNClientConfig } = {},
  ) {
    this.client = options.client ?? new SFNClient(options.clientConfig ?? {});
  }

  /**
   * Starts an execution named `name` with `input` as its JSON input. A name Step Functions has
   * already closed (or holds with other input) is `{ started: false }`, never an error.
   *
   * @throws the SDK's error for anything else (`InvalidName`, throttling, a refused connection).
   */
  async start(request: { name: string; input: unknown }): Promise<StartResult> {
    try {
      const response = await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: request.name,
          input: JSON.stringify(request.input),
        }),
      );
      if (!response.executionArn || !response.startDate) throw new Error('StartExecution returned no executionArn');
      return { started: true, executionArn: response.executionArn, startDate: response.startDate };
    } catch (error) {
      // A closed execution with this name (or the same name with other input) already took this trigger.
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') {
        return { started: false, reason: 'ALREADY_EXISTS', message: error.message };
      }
      throw error;
    }
  }

  /**
   * Describes an execution of this (or any) state machine.
   *
   * @throws the SDK's error, e.g. `ExecutionDoesNotExist`.
   */
  async describe(executionArn: string): Promise<ExecutionDescription> {
    const response = await this.client.send(new DescribeExecutionCommand({ executionArn }));
    return {
      executionArn,
      name: response.name,
      status: response.status,
      input: response.input,
      output: response.output,
      startDate: response.startDate,
      stopDate: response.stopDate,
      error: response.error,
      cause: response.cause,
    };
  }

  /**
   * StopExecution: closes a running execution ABORTED with `error` and `cause` (≤ 256 and ≤ 32,768
   * characters). Describe first to tell a running execution from a closed one.
   *
   * @throws the SDK's error, e.g. `ExecutionDoesNotExist`, `InvalidArn`.
   */
  async stop(executionArn: string, reason: { error?: string; cause?: string } = {}): Promise<Date | undefined> {
    const response = await this.client.send(new StopExecutionCommand({ executionArn, ...reason }));
    return response.stopDate;
  }

  /**
   * The execution's whole history, oldest first, every page of GetExecutionHistory (≤ 25,000 events).
   *
   * @throws the SDK's error, e.g. `ExecutionDoesNotExist`.
   */
  async history(executionArn: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    for await (const page of paginateGetExecutionHistory({ client: this.client, pageSize: 1000 }, { executionArn })) {
      events.push(...(page.events ?? []));
    }
    return events;
  }

  /** The ARN an execution of this state machine named `name` has (whether or not it exists). */
  executionArnFor(name: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }
}
