import { PersonalizeBatchJobs } from '../../src/adapters/personalize-jobs';
import { runDefaultsFromEnv } from '../../src/config/environment';
import { createStartJobHandler } from './create-handler';

export const handler = createStartJobHandler({
  jobs: new PersonalizeBatchJobs(),
  defaults: runDefaultsFromEnv(),
  now: Date.now,
});
