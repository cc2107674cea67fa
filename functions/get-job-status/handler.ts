import { PersonalizeBatchJobs } from '../../src/adapters/personalize-jobs';
import { createGetJobStatusHandler } from '../../src/handlers/get-job-status';

export const handler = createGetJobStatusHandler({ jobs: new PersonalizeBatchJobs(), now: Date.now });
