import { PersonalizeBatchJobs } from '../../src/adapters/personalize-jobs';
import { DynamoDbRunsStore } from '../../src/adapters/runs-table';
import { DataBucketObjects } from '../../src/adapters/s3-objects';
import { bucketLayoutFromEnv, requireEnv, runDefaultsFromEnv } from '../../src/config/environment';
import { createStartJobHandler } from '../../src/handlers/start-job';

const bucket = new DataBucketObjects();

export const handler = createStartJobHandler({
  jobs: new PersonalizeBatchJobs(),
  defaults: runDefaultsFromEnv(),
  layout: bucketLayoutFromEnv(),
  configs: bucket,
  staging: bucket,
  progress: new DynamoDbRunsStore(requireEnv('RUNS_TABLE_NAME')),
  now: Date.now,
});
