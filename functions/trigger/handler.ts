import { StepFunctionsExecutions } from '../../src/adapters/executions';
import { DynamoDbRunsStore } from '../../src/adapters/runs-table';
import { DataBucketObjects } from '../../src/adapters/s3-objects';
import { optionalCountEnv, optionalEnv, requireEnv } from '../../src/config/environment';
import { createTriggerHandler } from '../../src/handlers/trigger';

export const handler = createTriggerHandler({
  executions: new StepFunctionsExecutions(requireEnv('STATE_MACHINE_ARN')),
  objects: new DataBucketObjects(),
  ledger: new DynamoDbRunsStore(requireEnv('RUNS_TABLE_NAME'), { recordRetentionDays: optionalCountEnv('RUN_RECORD_RETENTION_DAYS') }),
  filter: {
    inputPrefix: optionalEnv('INPUT_PREFIX') ?? '',
    inputSuffixes: (optionalEnv('INPUT_SUFFIXES') ?? '').split(',').map((suffix) => suffix.trim()).filter(Boolean),
  },
  dataBucket: requireEnv('DATA_BUCKET'),
  now: Date.now,
});
