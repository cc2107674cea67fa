import { StepFunctionsExecutions } from '../../src/adapters/executions';
import { S3ObjectExistence } from '../../src/adapters/s3-objects';
import { optionalEnv, requireEnv } from '../../src/config/environment';
import { createTriggerHandler } from './create-handler';

export const handler = createTriggerHandler({
  executions: new StepFunctionsExecutions(requireEnv('STATE_MACHINE_ARN')),
  objects: new S3ObjectExistence(),
  filter: { inputPrefix: optionalEnv('INPUT_PREFIX') ?? '' },
});
