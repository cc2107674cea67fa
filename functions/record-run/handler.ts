import { DynamoDbRunsStore } from '../../src/adapters/runs-table';
import { optionalCountEnv, requireEnv } from '../../src/config/environment';
import { createRecordRunHandler } from '../../src/handlers/record-run';

export const handler = createRecordRunHandler({
  store: new DynamoDbRunsStore(requireEnv('RUNS_TABLE_NAME')),
  now: Date.now,
  retentionDays: optionalCountEnv('RUN_RECORD_RETENTION_DAYS'),
});
