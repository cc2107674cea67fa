import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDbRunsListing } from '../../adapters/runs-listing';
import { StepFunctionsExecutions } from '../../adapters/executions';
import { LOCAL_CREDENTIALS } from '../../local/local-aws';
import { LOCAL_RUNS_TABLE } from '../../local/local-stage';
import { describeDeployedStack, DeployedStackError, regionOfArn } from '../deployed-stack';
import { readLocalState } from '../local-state';

/** Where the `runs` commands look: the running local environment, or a deployed stage's stack. */
export interface OperatorTarget {
  /** "the local environment (…)" or "stack … (region)", for messages. */
  description: string;
  executions: StepFunctionsExecutions;
  runs: DynamoDbRunsListing;
  /** How often `watch` asks: every second locally, every 10 s on AWS (far from throttling). */
  pollIntervalMs: number;
  /** The local Step Functions address, to tell a stopped `local up` from other failures. */
  localEndpoint?: string;
  close(): void;
}

export interface TargetOptions {
  stage?: string | undefined;
  region?: string | undefined;
  /** Where `.personalize-batch/local.json` is looked for. */
  cwd: string;
}

/**
 * Finds the target: without a stage, through `.personalize-batch/local.json` as `start` does; with
 * one, through the stack's CloudFormation outputs (StateMachineArn, RunsTableName) with the default
 * credential chain. Endpoint overrides (`AWS_ENDPOINT_URL_<SERVICE>`) apply as the SDK reads them.
 *
 * @throws NoLocalEnvironmentError, DeployedStackError (exit 3).
 */
export async function resolveOperatorTarget(options: TargetOptions): Promise<OperatorTarget> {
  if (options.stage === undefined) {
    const state = await readLocalState(options.cwd);
    const base = { region: state.region, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
    const sfn = new SFNClient({ ...base, endpoint: state.endpoints.stepFunctions });
    const dynamodb = new DynamoDBClient({ ...base, endpoint: state.endpoints.dynamodb });
    const runsTable = typeof state.runsTable === 'string' ? state.runsTable : LOCAL_RUNS_TABLE;
    return {
      description: `the local environment (${state.endpoints.stepFunctions})`,
      executions: new StepFunctionsExecutions(state.stateMachineArn, { client: sfn }),
      runs: new DynamoDbRunsListing(runsTable, { client: dynamodb }),
      pollIntervalMs: 1_000,
      localEndpoint: state.endpoints.stepFunctions,
      close: () => {
        sfn.destroy();
        dynamodb.destroy();
      },
    };
  }
  const stack = await describeDeployedStack(options.stage, { region: options.region });
  const runsTable = stack.outputs.RunsTableName;
  if (!runsTable) throw new DeployedStackError(`Stack ${stack.stackName} in ${stack.region} has no RunsTableName output: is the deployment complete?`);
  const region = regionOfArn(stack.stateMachineArn) ?? stack.region;
  const sfn = new SFNClient({ region });
  const dynamodb = new DynamoDBClient({ region });
  return {
    description: `stack ${stack.stackName} (${stack.region})`,
    executions: new StepFunctionsExecutions(stack.stateMachineArn, { client: sfn }),
    runs: new DynamoDbRunsListing(runsTable, { client: dynamodb }),
    pollIntervalMs: 10_000,
    close: () => {
      sfn.destroy();
      dynamodb.destroy();
    },
  };
}
