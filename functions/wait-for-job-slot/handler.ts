import { composeWaitForJobSlot } from '../../src/composition/wait-for-job-slot';

// Read once at cold start: a deployment missing a variable fails its first invocation, naming it.
export const handler = composeWaitForJobSlot(process.env);
