import { DescribeExecutionCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, SFNClient, type SFNClientConfig } from '@aws-sdk/client-sfn';
import type { ExecutionStatuses, WaitingTasks } from '../use-cases/ports';

/**
 * What Step Functions answers for a token whose Task is gone: closed with its execution, timed
 * out, already completed (TaskTimedOut), never known (TaskDoesNotExist), or not a token (InvalidToken).
 */
const TASK_GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * Adapter over `SFNClient` for the queue: wakes a waiting run (SendTaskSuccess), probes a waiter
 * (SendTaskHeartbeat) and checks whether a slot holder's execution still runs (DescribeExecution).
 */
export class StepFunctionsWaitingTasks implements WaitingTasks, ExecutionStatuses {
  private readonly client: SFNClient;

  constructor(options: { client?: SFNClient; clientConfig?: SFNClientConfig } = {}) {
    this.client = options.client ?? new SFNClient(options.clientConfig ?? {});
  }

  async succeed(taskToken: string, output: unknown): Promise<boolean> {
    return this.unlessGone(() => this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })));
  }

  async heartbeat(taskToken: string): Promise<boolean> {
    return this.unlessGone(() => this.client.send(new SendTaskHeartbeatCommand({ taskToken })));
  }

  /** @throws ExecutionDoesNotExist and other Step Functions errors, as the SDK raises them. */
  async isRunning(executionArn: string): Promise<boolean> {
    const { status } = await this.client.send(new DescribeExecutionCommand({ executionArn }));
    return status === 'RUNNING';
  }

  private async unlessGone(send: () => Promise<unknown>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (error) {
      if (error instanceof Error && TASK_GONE.has(error.name)) return false;
      throw error;
    }
  }
}
