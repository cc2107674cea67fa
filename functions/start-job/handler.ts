import { PersonalizeBatchJobs } from '../../src/adapters/personalize-jobs';
import { DataBucketObjects } from '../../src/adapters/s3-objects';
import { bucketLayoutFromEnv, runDefaultsFromEnv } from '../../src/config/environment';
import { createStartJobHandler } from './create-handler';

const bucket = new DataBucketObjects();

export const handler = createStartJobHandler({
  jobs: new PersonalizeBatchJobs(),
  defaults: runDefaultsFromEnv(),
  layout: bucketLayoutFromEnv(),
  configs: bucket,
  staging: bucket,
  now: Date.now,
});
