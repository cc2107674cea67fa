import { composeTrigger } from '../../src/composition/trigger';

// Read once at cold start: a deployment missing a variable fails its first invocation, naming it.
export const handler = composeTrigger(process.env);
