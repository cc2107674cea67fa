import { DynamoDbJobSlots } from '../adapters/job-slots-table';
import { PersonalizeActiveJobs } from '../adapters/personalize-active-jobs';
import { StepFunctionsWaitingTasks } from '../adapters/waiting-tasks';
import { optionalCountEnv, requireEnv } from '../config/environment';
import { DEFAULT_MAX_CONCURRENT_JOBS } from '../domain/capacity-policy';
import { ConfigurationError } from '../domain/errors';
import type { JobType } from '../domain/job-type';
import type { SlotQueues } from '../use-cases/job-slot-queue';
import type { CompositionOptions, Environment } from './options';

/** The variable holding each job type's slot count (the stage's `maxConcurrentJobs`, `maxConcurrentSegmentJobs`). */
export const SLOT_COUNT_VARIABLES: Readonly<Record<JobType, string>> = Object.freeze({
  BATCH_INFERENCE: 'MAX_CONCURRENT_JOBS',
  BATCH_SEGMENT: 'MAX_CONCURRENT_SEGMENT_JOBS',
});

/**
 * The job slot queues as every function that touches them wires them, one per job type:
 * `JOB_SLOTS_TABLE_NAME` (required), `MAX_CONCURRENT_JOBS` and `MAX_CONCURRENT_SEGMENT_JOBS` (each
 * ≥ 1, default 5, Personalize's default quotas), with the Personalize client (ListBatchInferenceJobs,
 * ListBatchSegmentJobs) and the Step Functions client (SendTaskSuccess, SendTaskHeartbeat).
 *
 * @throws ConfigurationError naming a variable that is missing or malformed.
 */
export function slotQueueDependencies(env: Environment, options: CompositionOptions = {}): SlotQueues & { tasks: StepFunctionsWaitingTasks } {
  const tableName = requireEnv('JOB_SLOTS_TABLE_NAME', env);
  const now = options.now ?? Date.now;
  const tasks = new StepFunctionsWaitingTasks({ client: options.clients?.stepFunctions });
  const queue = (jobType: JobType) => {
    const variable = SLOT_COUNT_VARIABLES[jobType];
    const maxConcurrentJobs = optionalCountEnv(variable, env) ?? DEFAULT_MAX_CONCURRENT_JOBS;
    if (maxConcurrentJobs < 1) throw new ConfigurationError(`Environment variable ${variable} must be at least 1`);
    return {
      slots: new DynamoDbJobSlots(tableName, jobType, { client: options.clients?.dynamodb, now }),
      activeJobs: new PersonalizeActiveJobs(jobType, { client: options.clients?.personalize }),
      tasks,
      maxConcurrentJobs,
      now,
    };
  };
  return { BATCH_INFERENCE: queue('BATCH_INFERENCE'), BATCH_SEGMENT: queue('BATCH_SEGMENT'), tasks };
}
