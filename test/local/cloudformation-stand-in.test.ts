import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { startCloudFormationStandIn, type CloudFormationStandIn } from '../../src/local/cloudformation';
import { describeDeployedStack, DeployedStackError } from '../../src/cli/deployed-stack';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';

describe('CloudFormation stand-in (DescribeStacks over awsQuery), through the real client', () => {
  let standIn: CloudFormationStandIn;
  let client: CloudFormationClient;

  beforeAll(async () => {
    standIn = await startCloudFormationStandIn({
      stacks: [{ stackName: 'personalize-batch-orchestrator-qa', outputs: { StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:sm', RunsTableName: 'runs & <co>' } }],
    });
    client = new CloudFormationClient({ endpoint: standIn.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  });

  afterAll(async () => {
    client.destroy();
    await standIn.close();
  });

  it('describes a stack by name and by stack id, with its outputs', async () => {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: 'personalize-batch-orchestrator-qa' }));

    expect(Stacks).toHaveLength(1);
    expect(Stacks?.[0]).toMatchObject({ StackName: 'personalize-batch-orchestrator-qa', StackStatus: 'CREATE_COMPLETE' });
    expect(Stacks?.[0]?.CreationTime).toBeInstanceOf(Date);
    expect(Stacks?.[0]?.Outputs).toEqual(
      expect.arrayContaining([expect.objectContaining({ OutputKey: 'RunsTableName', OutputValue: 'runs & <co>' })]),
    );
    const byId = await client.send(new DescribeStacksCommand({ StackName: Stacks?.[0]?.StackId }));
    expect(byId.Stacks?.[0]?.StackName).toBe('personalize-batch-orchestrator-qa');
  });

  it('answers an unknown stack with ValidationError "Stack with id … does not exist", as CloudFormation does', async () => {
    await expect(client.send(new DescribeStacksCommand({ StackName: 'nope' }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Stack with id nope does not exist',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('lets the CLI find a stage through it, and name a missing one in one line', async () => {
    const stack = await describeDeployedStack('qa', { client });
    expect(stack).toMatchObject({ stackName: 'personalize-batch-orchestrator-qa', region: 'us-east-1', stackStatus: 'CREATE_COMPLETE' });

    await expect(describeDeployedStack('prod', { client })).rejects.toThrow(
      new DeployedStackError('No stack personalize-batch-orchestrator-prod in us-east-1: deploy the stage first, or pass the --region it is deployed in'),
    );
  });
});
