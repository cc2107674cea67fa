import { DynamoDbRunsStore } from '../../src/adapters/runs-table';
import { optionalCountEnv, requireEnv } from '../../src/config/environment';
import { createRecordResultHandler } from './create-handler';

export const handler = createRecordResultHandler({
  store: new DynamoDbRunsStore(requireEnv('RUNS_TABLE_NAME')),
  now: Date.now,
  retentionDays: optionalCountEnv('RUN_RECORD_RETENTION_DAYS'),
});
