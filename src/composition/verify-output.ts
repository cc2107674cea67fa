import { S3JobOutputs } from '../adapters/job-output';
import { createVerifyOutputHandler } from '../handlers/verify-output';
import type { VerifyOutputDependencies } from '../use-cases/verify-output';
import type { CompositionOptions, Environment } from './options';

/**
 * verifyOutput's dependencies. serverless.yml gives the function no variables of its own (what to
 * read comes with the run); the environment is taken anyway so every composition root has the same shape.
 */
export function verifyOutputDependencies(_env: Environment, options: CompositionOptions = {}): VerifyOutputDependencies {
  const objects = new S3JobOutputs({ client: options.clients?.s3 });
  return { outputs: objects, inputs: objects };
}

/**
 * verifyOutput's composition root: the Lambda entry point calls it with `process.env` at cold
 * start, local mode with its own values and endpoint clients.
 *
 * @example
 * export const handler = composeVerifyOutput(process.env);
 */
export function composeVerifyOutput(env: Environment, options: CompositionOptions = {}) {
  return createVerifyOutputHandler(verifyOutputDependencies(env, options), options.logger);
}
