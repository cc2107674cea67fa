import { StepFunctionsExecutions } from '../../src/adapters/executions';
import { optionalEnv, requireEnv } from '../../src/config/environment';
import { createTriggerHandler } from './create-handler';

export const handler = createTriggerHandler({
  executions: new StepFunctionsExecutions(requireEnv('STATE_MACHINE_ARN')),
  filter: { inputPrefix: optionalEnv('INPUT_PREFIX') ?? '' },
});
