import { composeGetJobStatus } from '../../src/composition/get-job-status';

// Read once at cold start: a deployment missing a variable fails its first invocation, naming it.
export const handler = composeGetJobStatus(process.env);
