import { PersonalizeBatchJobs } from '../../src/adapters/personalize-jobs';
import { createGetJobStatusHandler } from './create-handler';

export const handler = createGetJobStatusHandler({ jobs: new PersonalizeBatchJobs(), now: Date.now });
