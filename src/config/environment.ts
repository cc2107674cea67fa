import { ConfigurationError } from '../domain/errors';
import type { BucketLayout } from '../domain/bucket-layout';
import type { RunDefaults } from '../domain/job-settings';

/** The variables a function reads: `process.env` in Lambda, a plain record in local mode and tests. */
export type Environment = Record<string, string | undefined>;

/**
 * Reads a variable the deployment must set. Handlers call this once at cold start, so a broken
 * deployment fails on its first invocation with the variable named, not deep inside a run.
 */
export function requireEnv(name: string, env: Environment = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new ConfigurationError(`Environment variable ${name} is not set; check the function's configuration in serverless.yml`);
  }
  return value;
}

export function optionalEnv(name: string, env: Environment = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** A whole number ≥ 0 from the environment, or undefined when unset; anything else is a deployment error. */
export function optionalCountEnv(name: string, env: Environment = process.env): number | undefined {
  const value = optionalEnv(name, env);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    throw new ConfigurationError(`Environment variable ${name} must be a whole number, got "${value}"`);
  }
  return Number(value);
}

/** Stage defaults for new jobs, from the start function's environment. */
export function runDefaultsFromEnv(env: Environment = process.env): RunDefaults {
  return {
    solutionVersionArn: optionalEnv('DEFAULT_SOLUTION_VERSION_ARN', env),
    roleArn: requireEnv('PERSONALIZE_ROLE_ARN', env),
    outputBaseUri: requireEnv('OUTPUT_BASE_URI', env),
    numResults: positive(optionalCountEnv('DEFAULT_NUM_RESULTS', env), 'DEFAULT_NUM_RESULTS'),
  };
}

function positive(value: number | undefined, name: string): number | undefined {
  if (value === 0) throw new ConfigurationError(`Environment variable ${name} must be at least 1`);
  return value;
}

/** Where the data bucket keeps inputs, job group configuration and staged copies. */
export function bucketLayoutFromEnv(env: Environment = process.env): BucketLayout {
  return {
    bucket: requireEnv('DATA_BUCKET', env),
    inputPrefix: inputPrefixFromEnv(env),
    configPrefix: optionalEnv('CONFIG_PREFIX', env) ?? 'config/',
    stagingPrefix: optionalEnv('STAGING_PREFIX', env) ?? 'staging/',
  };
}

/**
 * The folder whose uploads start runs (`INPUT_PREFIX`, default `input/` as serverless.yml's
 * `inputPrefix` param). One reader for the trigger's filter and startJob's layout, so the two
 * functions can never disagree about where inputs live.
 */
export function inputPrefixFromEnv(env: Environment = process.env): string {
  return optionalEnv('INPUT_PREFIX', env) ?? 'input/';
}

/** File endings the trigger accepts (`INPUT_SUFFIXES`, comma-separated); empty: any ending. */
export function inputSuffixesFromEnv(env: Environment = process.env): string[] {
  return (optionalEnv('INPUT_SUFFIXES', env) ?? '')
    .split(',')
    .map((suffix) => suffix.trim())
    .filter(Boolean);
}
