import { composeVerifyOutput } from '../../src/composition/verify-output';

// Read once at cold start: a deployment missing a variable fails its first invocation, naming it.
export const handler = composeVerifyOutput(process.env);
