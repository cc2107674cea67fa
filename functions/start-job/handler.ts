import { composeStartJob } from '../../src/composition/start-job';

// Read once at cold start: a deployment missing a variable fails its first invocation, naming it.
export const handler = composeStartJob(process.env);
