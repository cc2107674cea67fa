import { DescribeExecutionCommand, ExecutionAlreadyExists, InvalidName, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { StepFunctionsExecutions } from '../../src/adapters/executions';
import { STATE_MACHINE_ARN } from '../support/sample-run';

const sfn = mockClient(SFNClient);
const EXECUTION_ARN = `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:run-1`;
const executions = () => new StepFunctionsExecutions(STATE_MACHINE_ARN, { client: new SFNClient({ region: 'us-east-1' }) });

describe('StepFunctionsExecutions', () => {
  beforeEach(() => sfn.reset());

  it('starts an execution of its state machine with the input as JSON', async () => {
    // Prepare
    const startDate = new Date('2026-01-15T10:00:00.000Z');
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate });

    // Act
    const result = await executions().start({ name: 'run-1', input: { inputPath: 's3://b/k.jsonl' } });

    // Assess
    expect(result).toEqual({ started: true, executionArn: EXECUTION_ARN, startDate });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: STATE_MACHINE_ARN, name: 'run-1', input: '{"inputPath":"s3://b/k.jsonl"}' });
  });

  it('answers a name already taken with started: false instead of an error', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists: run-1', $metadata: {} }));

    // Act
    const result = await executions().start({ name: 'run-1', input: {} });

    // Assess
    expect(result).toEqual({ started: false, reason: 'ALREADY_EXISTS', message: 'Execution Already Exists: run-1' });
  });

  it('throws every other StartExecution error', async () => {
    sfn.on(StartExecutionCommand).rejects(new InvalidName({ message: 'Invalid Name: run 1', $metadata: {} }));

    await expect(executions().start({ name: 'run 1', input: {} })).rejects.toMatchObject({ name: 'InvalidName' });
  });

  it('describes an execution: its status, output, error and cause', async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand, { executionArn: EXECUTION_ARN }).resolves({
      executionArn: EXECUTION_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'run-1',
      status: 'FAILED',
      startDate: new Date(),
      error: 'JobFailedError',
      cause: 'The job failed',
    });

    // Act
    const description = await executions().describe(EXECUTION_ARN);

    // Assess
    expect(description).toEqual({ executionArn: EXECUTION_ARN, name: 'run-1', status: 'FAILED', output: undefined, startDate: expect.any(Date), error: 'JobFailedError', cause: 'The job failed' });
  });
});
