import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SERVICE_NAME } from '../middleware/handler-kit';

/** What the CLI needs from a deployed stage: its stack's outputs (serverless.yml `Outputs`). */
export interface DeployedStack {
  stackName: string;
  region: string;
  stackStatus: string;
  outputs: Record<string, string>;
  stateMachineArn: string;
}

/** The stage has no stack (in that region), or the stack lacks what the CLI needs. */
export class DeployedStackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeployedStackError';
  }
}

/** `serverless deploy --stage <stage>` names the stack `<service>-<stage>`. */
function stackNameFor(stage: string): string {
  return `${SERVICE_NAME}-${stage}`;
}

/**
 * Reads a deployed stage's stack outputs with CloudFormation DescribeStacks, using the default
 * credential provider chain and region (`--region` overrides the region).
 *
 * @example
 * const stack = await describeDeployedStack('prod', { region: 'eu-west-1' });
 * const executions = new StepFunctionsExecutions(stack.stateMachineArn, { clientConfig: { region: stack.region } });
 * await executions.start({ name: 'manual-1', input: { inputPath: 's3://…' } });
 */
export async function describeDeployedStack(stage: string, options: { region?: string | undefined; client?: CloudFormationClient } = {}): Promise<DeployedStack> {
  const stackName = stackNameFor(stage);
  const client = options.client ?? new CloudFormationClient({ ...(options.region && { region: options.region }) });
  try {
    const region = await resolveRegion(client);
    const stack = await describeStack(client, stackName, region);
    const outputs = Object.fromEntries((stack.Outputs ?? []).flatMap((output) => (output.OutputKey && output.OutputValue ? [[output.OutputKey, output.OutputValue]] : [])));
    const stateMachineArn = outputs.StateMachineArn;
    if (!stateMachineArn) {
      throw new DeployedStackError(`Stack ${stackName} in ${region} (${stack.StackStatus}) has no StateMachineArn output: is the deployment complete?`);
    }
    return { stackName, region, stackStatus: String(stack.StackStatus), outputs, stateMachineArn };
  } finally {
    if (!options.client) client.destroy();
  }
}

async function resolveRegion(client: CloudFormationClient): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    throw new DeployedStackError('No AWS region: pass --region, or set AWS_REGION or a region in your AWS profile');
  }
}

async function describeStack(client: CloudFormationClient, stackName: string, region: string) {
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    if (stack) return stack;
  } catch (error) {
    // CloudFormation reports a missing stack as a ValidationException "Stack with id … does not exist".
    if (!(error instanceof Error && /does not exist/.test(error.message))) throw error;
  }
  throw new DeployedStackError(`No stack ${stackName} in ${region}: deploy the stage first, or pass the --region it is deployed in`);
}

/** The region a Step Functions ARN lives in: `arn:<partition>:states:<region>:<account>:...`. */
export function regionOfArn(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}
