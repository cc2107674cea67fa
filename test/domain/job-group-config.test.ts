import { InvalidRunInputError, type InputIssue } from '../../src/domain/errors';
import { JobGroupConfigSchema, parseJobGroupConfig } from '../../src/domain/job-group-config';
import { mergeRunInput, parseRunInput, type RunInput } from '../../src/domain/run-input';
import { FILTER_ARN, INPUT_PATH, ROLE_ARN, SOLUTION_VERSION_ARN } from '../support/sample-run';

const LOCATION = 's3://personalize-batch-dev-data/config/users.json';
const themes = { fieldsForThemeGeneration: { itemName: 'TITLE' } };

function issuesOf(run: () => unknown): InputIssue[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRunInputError);
    return (error as InvalidRunInputError).issues;
  }
  throw new Error('expected InvalidRunInputError, nothing was thrown');
}

describe('parseJobGroupConfig', () => {
  it('accepts the job settings a group shares', () => {
    // Prepare
    const config = {
      solutionVersionArn: SOLUTION_VERSION_ARN,
      roleArn: ROLE_ARN,
      numResults: 50,
      filterArn: FILTER_ARN,
      tags: [{ tagKey: 'team', tagValue: 'growth' }],
      maxWaitSeconds: 7200,
      maxPolls: 100,
      maxQueueSeconds: 3600,
    };

    // Act & Assess
    expect(parseJobGroupConfig(structuredClone(config), LOCATION)).toEqual(config);
  });

  it('accepts an empty file', () => {
    // Act & Assess
    expect(parseJobGroupConfig({}, LOCATION)).toEqual({});
  });

  it('prefixes each issue’s field with the file location', () => {
    // Act
    const issues = issuesOf(() => parseJobGroupConfig({ numResults: 0, tags: [{ tagKey: '', tagValue: 'x' }] }, LOCATION));

    // Assess
    expect(issues).toEqual([
      { field: `${LOCATION}: numResults`, message: 'must be at least 1' },
      { field: `${LOCATION}: tags.0.tagKey`, message: 'must not be empty' },
    ]);
  });

  it('names the file in the error message', () => {
    // Act & Assess
    expect(() => parseJobGroupConfig({ numResults: 'many' }, LOCATION)).toThrow(
      `Invalid run input: ${LOCATION}: numResults: must be a number, got the string "many"`,
    );
  });

  it.each([['jobName'], ['inputPath'], ['jobGroup'], ['source']])('refuses %s, which belongs to a single run', (member) => {
    // Act
    const issues = issuesOf(() => parseJobGroupConfig({ [member]: 'x' }, LOCATION));

    // Assess
    expect(issues).toEqual([{ field: `${LOCATION}: ${member}`, message: 'is not a known field' }]);
  });

  it('refuses unknown fields, nested ones included', () => {
    // Act
    const issues = issuesOf(() => parseJobGroupConfig({ colour: 'blue', batchInferenceJobConfig: { speed: 'fast' } }, LOCATION));

    // Assess
    expect(issues).toEqual(
      expect.arrayContaining([
        { field: `${LOCATION}: colour`, message: 'is not a known field' },
        { field: `${LOCATION}: batchInferenceJobConfig.speed`, message: 'is not a known field' },
      ]),
    );
  });

  it.each([
    ['an array', []],
    ['a string', 'numResults=5'],
    ['null', null],
  ])('refuses a file holding %s, naming the file', (_label, raw) => {
    // Act
    const issues = issuesOf(() => parseJobGroupConfig(raw, LOCATION));

    // Assess
    expect(issues).toHaveLength(1);
    expect(issues[0]?.field).toBe(LOCATION);
  });

  it('leaves the theme rules to the merge, since the run may complete them', () => {
    // Act & Assess
    expect(parseJobGroupConfig({ batchInferenceJobMode: 'THEME_GENERATION' }, LOCATION)).toEqual({ batchInferenceJobMode: 'THEME_GENERATION' });
    expect(JobGroupConfigSchema.safeParse({ themeGenerationConfig: themes }).success).toBe(true);
  });
});

describe('mergeRunInput', () => {
  const input = (extra: Partial<RunInput> = {}): RunInput => ({ inputPath: INPUT_PATH, ...extra });

  it('lets every member the run names win over the file', () => {
    // Act
    const merged = mergeRunInput({ numResults: 50, filterArn: FILTER_ARN, maxPolls: 10 }, input({ numResults: 5, maxPolls: 20 }));

    // Assess
    expect(merged).toEqual({ inputPath: INPUT_PATH, numResults: 5, filterArn: FILTER_ARN, maxPolls: 20 });
  });

  it('keeps the file’s value where the run’s member is present but undefined', () => {
    // Act
    const merged = mergeRunInput({ numResults: 50 }, input({ numResults: undefined }));

    // Assess
    expect(merged.numResults).toBe(50);
  });

  it('replaces nested members whole rather than merging them', () => {
    // Act
    const merged = mergeRunInput({ tags: [{ tagKey: 'team', tagValue: 'growth' }] }, input({ tags: [{ tagKey: 'run', tagValue: 'adhoc' }] }));

    // Assess
    expect(merged.tags).toEqual([{ tagKey: 'run', tagValue: 'adhoc' }]);
  });

  it('accepts the theme mode from the file with the theme configuration from the run', () => {
    // Act
    const merged = mergeRunInput({ batchInferenceJobMode: 'THEME_GENERATION' }, input({ themeGenerationConfig: themes }));

    // Assess
    expect(merged).toMatchObject({ batchInferenceJobMode: 'THEME_GENERATION', themeGenerationConfig: themes });
  });

  it('accepts the theme configuration from the file with the theme mode from the run', () => {
    // Act
    const merged = mergeRunInput({ themeGenerationConfig: themes }, input({ batchInferenceJobMode: 'THEME_GENERATION' }));

    // Assess
    expect(merged).toMatchObject({ batchInferenceJobMode: 'THEME_GENERATION', themeGenerationConfig: themes });
  });

  it('refuses a theme mode that neither half completes', () => {
    // Act & Assess
    expect(issuesOf(() => mergeRunInput({ batchInferenceJobMode: 'THEME_GENERATION' }, input()))).toEqual([
      { field: 'themeGenerationConfig', message: 'is required when batchInferenceJobMode is THEME_GENERATION' },
    ]);
  });

  it('refuses a theme configuration when the run switches the file’s theme mode back', () => {
    // Act & Assess
    expect(
      issuesOf(() => mergeRunInput({ batchInferenceJobMode: 'THEME_GENERATION', themeGenerationConfig: themes }, input({ batchInferenceJobMode: 'BATCH_INFERENCE' }))),
    ).toEqual([{ field: 'batchInferenceJobMode', message: 'must be THEME_GENERATION when themeGenerationConfig is given' }]);
  });

  it('refuses a maxQueueSeconds from the file and a maxWaitSeconds from the run that add up to more than 518400', () => {
    // Act & Assess
    expect(issuesOf(() => mergeRunInput({ maxQueueSeconds: 432_000 }, input({ maxWaitSeconds: 86_401 })))).toEqual([
      { field: 'maxWaitSeconds', message: expect.stringContaining('plus maxQueueSeconds must be at most 518400') },
    ]);
  });

  it('refuses a maxWaitSeconds from the file with a maxQueueSeconds from the run that add up to more than 518400', () => {
    // Act & Assess
    expect(issuesOf(() => mergeRunInput({ maxWaitSeconds: 500_000 }, input({ maxQueueSeconds: 18_401 })))).toEqual([
      { field: 'maxWaitSeconds', message: expect.stringContaining('they add up to 518401') },
    ]);
  });

  it('accepts halves from the file and the run that add up to exactly 518400', () => {
    // Act
    const merged = mergeRunInput({ maxQueueSeconds: 432_000 }, input({ maxWaitSeconds: 86_400 }));

    // Assess
    expect(merged).toMatchObject({ maxQueueSeconds: 432_000, maxWaitSeconds: 86_400 });
  });

  it('keeps jobGroup and source from the run', () => {
    // Act
    const merged = mergeRunInput({ numResults: 50 }, input({ jobGroup: 'users', source: { type: 'manual' } }));

    // Assess
    expect(merged).toMatchObject({ jobGroup: 'users', source: { type: 'manual' } });
  });
});

describe('parseRunInput with the new members', () => {
  it.each([
    ['jobGroup', { jobGroup: 'users' }],
    ['maxQueueSeconds', { maxQueueSeconds: 3600 }],
    ['maxQueueSeconds of 0 (never queue)', { maxQueueSeconds: 0 }],
    ['maxQueueSeconds at its 5-day limit', { maxQueueSeconds: 432000 }],
  ])('accepts %s', (_label, extra) => {
    // Act & Assess
    expect(parseRunInput({ inputPath: INPUT_PATH, ...extra })).toEqual({ inputPath: INPUT_PATH, ...extra });
  });

  it.each([
    ['jobGroup', { jobGroup: 'my group' }, 'must be 1-63 letters, digits, "-" or "_", starting with a letter or digit'],
    ['jobGroup', { jobGroup: '-users' }, 'must be 1-63 letters, digits, "-" or "_", starting with a letter or digit'],
    ['maxQueueSeconds', { maxQueueSeconds: 432001 }, 'must be at most 432000 (5 days)'],
    ['maxQueueSeconds', { maxQueueSeconds: -1 }, 'must be at least 0'],
    ['maxQueueSeconds', { maxQueueSeconds: 1.5 }, 'must be a whole number of seconds'],
  ])('refuses a bad %s', (field, extra, message) => {
    // Act & Assess
    expect(issuesOf(() => parseRunInput({ inputPath: INPUT_PATH, ...extra }))).toEqual([{ field, message }]);
  });
});
