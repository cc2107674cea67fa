import { SFNClient, StartExecutionCommand, type SFNClientConfig } from '@aws-sdk/client-sfn';
import type { Executions, StartResult } from '../use-cases/ports';


/** Adapter over `SFNClient` starting executions of one state machine. */
export class StepFunctionsExecutions implements Executions {
  private readonly client: SFNClient;

  constructor(
    private readonly stateMachineArn: string,
    options: { client?: SFNClient; clientConfig?: SFNClientConfig } = {},
  ) {
    this.client = options.client ?? new SFNClient(options.clientConfig ?? {});
  }

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
}
