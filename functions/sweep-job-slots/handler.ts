import { composeSweepJobSlots } from '../../src/composition/sweep-job-slots';

// Read once at cold start: a deployment missing a variable fails its first invocation, naming it.
export const handler = composeSweepJobSlots(process.env);
