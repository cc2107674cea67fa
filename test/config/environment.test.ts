import { ConfigurationError } from '../../src/domain/errors';
import { bucketLayoutFromEnv, inputPrefixFromEnv, inputSuffixesFromEnv, optionalEnv, requireEnv, runDefaultsFromEnv } from '../../src/config/environment';
import { OUTPUT_BASE_URI, ROLE_ARN, SOLUTION_VERSION_ARN } from '../support/sample-run';

const startEnv = { PERSONALIZE_ROLE_ARN: ROLE_ARN, OUTPUT_BASE_URI };

describe('requireEnv', () => {
  it('returns a set variable', () => {
    // Act & Assess
    expect(requireEnv('RUNS_TABLE_NAME', { RUNS_TABLE_NAME: 'runs' })).toBe('runs');
  });

  it.each([
    ['missing', {}],
    ['empty', { RUNS_TABLE_NAME: '' }],
  ])('throws ConfigurationError naming a %s variable', (_label, env) => {
    // Act & Assess
    expect(() => requireEnv('RUNS_TABLE_NAME', env)).toThrow(ConfigurationError);
    expect(() => requireEnv('RUNS_TABLE_NAME', env)).toThrow(/RUNS_TABLE_NAME is not set/);
  });
});

describe('optionalEnv', () => {
  it('treats an empty variable as unset', () => {
    // Act & Assess
    expect(optionalEnv('INPUT_PREFIX', { INPUT_PREFIX: '' })).toBeUndefined();
    expect(optionalEnv('INPUT_PREFIX', { INPUT_PREFIX: 'input/' })).toBe('input/');
  });
});

describe('runDefaultsFromEnv', () => {
  it('reads the stage defaults', () => {
    // Act
    const defaults = runDefaultsFromEnv({ ...startEnv, DEFAULT_SOLUTION_VERSION_ARN: SOLUTION_VERSION_ARN, DEFAULT_NUM_RESULTS: '25' });

    // Assess
    expect(defaults).toEqual({ solutionVersionArn: SOLUTION_VERSION_ARN, roleArn: ROLE_ARN, outputBaseUri: OUTPUT_BASE_URI, numResults: 25 });
  });

  it('leaves the optional defaults unset', () => {
    // Act
    const defaults = runDefaultsFromEnv(startEnv);

    // Assess
    expect(defaults.solutionVersionArn).toBeUndefined();
    expect(defaults.numResults).toBeUndefined();
  });

  it.each(['PERSONALIZE_ROLE_ARN', 'OUTPUT_BASE_URI'])('fails at cold start without %s', (name) => {
    // Prepare
    const env: Record<string, string> = { ...startEnv };
    delete env[name];

    // Act & Assess
    expect(() => runDefaultsFromEnv(env)).toThrow(new RegExp(`${name} is not set`));
  });

  it.each(['abc', '0', '-5'])('refuses DEFAULT_NUM_RESULTS=%s at cold start', (value) => {
    // Act & Assess
    expect(() => runDefaultsFromEnv({ ...startEnv, DEFAULT_NUM_RESULTS: value })).toThrow(ConfigurationError);
  });
});

describe('inputPrefixFromEnv', () => {
  it('reads INPUT_PREFIX, and falls back to input/ as serverless.yml does when it is unset or empty', () => {
    expect(inputPrefixFromEnv({ INPUT_PREFIX: 'uploads/' })).toBe('uploads/');
    expect(inputPrefixFromEnv({})).toBe('input/');
    expect(inputPrefixFromEnv({ INPUT_PREFIX: '' })).toBe('input/');
  });

  it('gives the trigger and startJob the same prefix', () => {
    // The trigger filtered on '' and startJob's layout on input/ when the variable was unset.
    expect(bucketLayoutFromEnv({ DATA_BUCKET: 'data' }).inputPrefix).toBe(inputPrefixFromEnv({}));
  });
});

describe('inputSuffixesFromEnv', () => {
  it('splits INPUT_SUFFIXES on commas, trimming blanks', () => {
    expect(inputSuffixesFromEnv({ INPUT_SUFFIXES: '.json, .jsonl,,' })).toEqual(['.json', '.jsonl']);
  });

  it('accepts any ending when INPUT_SUFFIXES is unset', () => {
    expect(inputSuffixesFromEnv({})).toEqual([]);
  });
});

describe('bucketLayoutFromEnv', () => {
  it('reads the data bucket and its prefixes', () => {
    expect(bucketLayoutFromEnv({ DATA_BUCKET: 'data', INPUT_PREFIX: 'in/', CONFIG_PREFIX: 'cfg/', STAGING_PREFIX: 'stage/' })).toEqual({
      bucket: 'data',
      inputPrefix: 'in/',
      configPrefix: 'cfg/',
      stagingPrefix: 'stage/',
    });
  });

  it('throws ConfigurationError naming DATA_BUCKET when it is missing', () => {
    expect(() => bucketLayoutFromEnv({})).toThrow(new ConfigurationError("Environment variable DATA_BUCKET is not set; check the function's configuration in serverless.yml"));
  });
});
