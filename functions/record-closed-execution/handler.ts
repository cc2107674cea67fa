import { composeRecordClosedExecution } from '../../src/composition/record-closed-execution';

// Read once at cold start: a deployment missing a variable fails its first invocation, naming it.
export const handler = composeRecordClosedExecution(process.env);
