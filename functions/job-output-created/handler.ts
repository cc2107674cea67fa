import { composeJobOutputCreated } from '../../src/composition/job-output-created';

// Read once at cold start: a deployment missing a variable fails its first invocation, naming it.
export const handler = composeJobOutputCreated(process.env);
