import { DynamoDbOutputWaits } from '../adapters/output-waits-table';
import { StepFunctionsWaitingTasks } from '../adapters/waiting-tasks';
import { requireEnv } from '../config/environment';
import type { OutputEventScope } from '../domain/output-wait';
import type { OutputWakeDependencies } from '../use-cases/job-output-waits';
import type { CompositionOptions, Environment } from './options';

/**
 * Where object-created events wake runs: `DATA_BUCKET` and `OUTPUT_PREFIX` (serverless.yml's
 * `outputPrefix`, the prefix the bucket notifies jobOutputCreated of).
 *
 * @throws ConfigurationError naming a variable that is missing.
 */
export function outputEventScopeFromEnv(env: Environment): OutputEventScope {
  return { bucket: requireEnv('DATA_BUCKET', env), prefix: requireEnv('OUTPUT_PREFIX', env) };
}

/**
 * The output waits as the two functions that touch them wire them: `OUTPUT_WAITS_TABLE_NAME`, the
 * scope above, and the Step Functions client (SendTaskSuccess).
 *
 * @throws ConfigurationError naming a variable that is missing.
 */
export function outputWakeDependencies(env: Environment, options: CompositionOptions = {}): OutputWakeDependencies {
  return {
    waits: new DynamoDbOutputWaits(requireEnv('OUTPUT_WAITS_TABLE_NAME', env), { client: options.clients?.dynamodb }),
    tasks: new StepFunctionsWaitingTasks({ client: options.clients?.stepFunctions }),
    scope: outputEventScopeFromEnv(env),
  };
}
