import { DynamoDbRunsStore } from '../../src/adapters/runs-table';
import { optionalCountEnv, requireEnv } from '../../src/config/environment';
import { createRecordClosedExecutionHandler } from '../../src/handlers/record-closed-execution';

export const handler = createRecordClosedExecutionHandler({
  runs: new DynamoDbRunsStore(requireEnv('RUNS_TABLE_NAME'), { recordRetentionDays: optionalCountEnv('RUN_RECORD_RETENTION_DAYS') }),
  now: Date.now,
});
