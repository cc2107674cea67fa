import { SERVICE_NAME } from '../../middleware/handler-kit';
import { LOCAL_STAGE } from '../local-stage';
import type { LocalEnvironment } from '../local-environment';
import { startCloudFormationStandIn, type CloudFormationStandIn } from './cloudformation-stand-in';

export { startCloudFormationStandIn, type CloudFormationStandIn, type StandInStack } from './cloudformation-stand-in';

/**
 * Serves the local environment as the stack `personalize-batch-orchestrator-local`, with the outputs
 * serverless.yml declares (no TriggerFailureQueueUrl: local mode has no SQS), so the CLI's
 * `--stage local` finds it exactly as it finds a deployed stage.
 */
export function startLocalStack(environment: LocalEnvironment, options: { port?: number } = {}): Promise<CloudFormationStandIn> {
  return startCloudFormationStandIn({
    region: environment.region,
    ...(options.port !== undefined && { port: options.port }),
    stacks: [
      {
        stackName: `${SERVICE_NAME}-${LOCAL_STAGE}`,
        outputs: {
          DataBucketName: environment.bucket,
          RunsTableName: environment.runsTable,
          StateMachineArn: environment.stateMachineArn,
        },
      },
    ],
  });
}
