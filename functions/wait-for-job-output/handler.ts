import { composeWaitForJobOutput } from '../../src/composition/wait-for-job-output';

// Read once at cold start: a deployment missing a variable fails its first invocation, naming it.
export const handler = composeWaitForJobOutput(process.env);
