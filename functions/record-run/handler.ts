import { composeRecordRun } from '../../src/composition/record-run';

// Read once at cold start: a deployment missing a variable fails its first invocation, naming it.
export const handler = composeRecordRun(process.env);
