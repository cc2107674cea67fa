import { InvalidRunInputError, type InputIssue } from '../../src/domain/errors';
import { parseRunInput, RUN_INPUT_MAX_BYTES } from '../../src/domain/run-input';
import { FULL_RUN_INPUT, INPUT_PATH } from '../support/sample-run';

const minimal = { inputPath: INPUT_PATH };

/** Catches what parseRunInput throws; fails the test when it throws anything else or nothing. */
function issuesOf(raw: unknown): InputIssue[] {
  try {
    parseRunInput(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRunInputError);
    expect((error as Error).name).toBe('InvalidRunInputError');
    return (error as InvalidRunInputError).issues;
  }
  throw new Error(`parseRunInput accepted ${JSON.stringify(raw)}`);
}

describe('parseRunInput', () => {
  it('accepts an input with only inputPath', () => {
    // Act
    const input = parseRunInput(minimal);

    // Assess
    expect(input).toEqual(minimal);
  });

  it('accepts and returns a full input with every member', () => {
    // Act
    const input = parseRunInput(structuredClone(FULL_RUN_INPUT));

    // Assess
    expect(input).toEqual(FULL_RUN_INPUT);
  });

  it('accepts BATCH_INFERENCE mode without a theme configuration', () => {
    // Act
    const input = parseRunInput({ ...minimal, batchInferenceJobMode: 'BATCH_INFERENCE' });

    // Assess
    expect(input.batchInferenceJobMode).toBe('BATCH_INFERENCE');
  });

  it('accepts 200 tags', () => {
    // Prepare
    const tags = Array.from({ length: 200 }, (_, index) => ({ tagKey: `k${index}`, tagValue: 'v' }));

    // Act
    const input = parseRunInput({ ...minimal, tags });

    // Assess
    expect(input.tags).toHaveLength(200);
  });

  it.each<[string, unknown, string, RegExp]>([
    ['an unknown top-level field', { ...minimal, solutionName: 'users' }, 'solutionName', /is not a known field/],
    ['an unknown nested field', { ...minimal, tags: [{ tagKey: 'a', tagValue: 'b', owner: 'x' }] }, 'tags.0.owner', /is not a known field/],
    ['no inputPath', { numResults: 10 }, 'inputPath', /is required/],
    ['an http inputPath', { inputPath: 'https://example.com/users.jsonl' }, 'inputPath', /S3 URI/],
    ['an inputPath with an upper-case bucket', { inputPath: 's3://My-Bucket/users.jsonl' }, 'inputPath', /must name a valid bucket/],
    ['an inputPath whose key is over 1,024 bytes of UTF-8', { inputPath: `s3://bucket/input/${'é'.repeat(510)}` }, 'inputPath', /at most 1,024 bytes of UTF-8/],
    ['an outputPath longer than 256 characters', { ...minimal, outputPath: `s3://bucket/${'o'.repeat(250)}/` }, 'outputPath', /256 characters/],
    ['a source over 8,192 bytes as JSON', { ...minimal, source: { type: 'manual', note: 'n'.repeat(8200) } }, 'source', /at most 8192 bytes/],
    ['an unknown rankingInfluence factor', { ...minimal, batchInferenceJobConfig: { rankingInfluence: { NOVELTY: 0.5 } } }, 'batchInferenceJobConfig.rankingInfluence.NOVELTY', /not a known field/],
    ['a rankingInfluence weight above 1', { ...minimal, batchInferenceJobConfig: { rankingInfluence: { POPULARITY: 1.5 } } }, 'batchInferenceJobConfig.rankingInfluence.POPULARITY', /between 0.0 and 1.0/],
    ['an outputPath not ending in "/"', { ...minimal, outputPath: 's3://personalize-batch-dev-data/output' }, 'outputPath', /folder.*"\/"/],
    ['an outputPath that is not an S3 URI', { ...minimal, outputPath: 'output/' }, 'outputPath', /S3 URI/],
    // "." and ".." segments: S3 keeps them, other tools resolve them, so a prefix check could be walked out of.
    ['an outputPath climbing out of output/ with ".."', { ...minimal, outputPath: 's3://personalize-batch-dev-data/output/../staging/' }, 'outputPath', /"\." or "\.\."/],
    ['an outputPath with a "." folder', { ...minimal, outputPath: 's3://personalize-batch-dev-data/output/./' }, 'outputPath', /"\." or "\.\."/],
    ['an inputPath with a ".." folder', { inputPath: 's3://personalize-batch-dev-data/input/../config/users.json' }, 'inputPath', /"\." or "\.\."/],
    ['an S3 ARN as solutionVersionArn', { ...minimal, solutionVersionArn: 'arn:aws:s3:::bucket' }, 'solutionVersionArn', /Personalize solution version ARN/],
    ['a solution name as solutionVersionArn', { ...minimal, solutionVersionArn: 'user-personalization' }, 'solutionVersionArn', /Personalize solution version ARN/],
    ['a bad filterArn', { ...minimal, filterArn: 'filter/exclude-purchased' }, 'filterArn', /Personalize filter ARN/],
    ['a role ARN with an 11-digit account', { ...minimal, roleArn: 'arn:aws:iam::12345678901:role/R' }, 'roleArn', /IAM role ARN/],
    ['a user ARN as roleArn', { ...minimal, roleArn: 'arn:aws:iam::123456789012:user/jane' }, 'roleArn', /IAM role ARN/],
    ['a KMS alias as inputKmsKeyArn', { ...minimal, inputKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:alias/data' }, 'inputKmsKeyArn', /KMS key ARN/],
    ['a bare key id as outputKmsKeyArn', { ...minimal, outputKmsKeyArn: '1234abcd-12ab-34cd-56ef-1234567890ab' }, 'outputKmsKeyArn', /KMS key ARN/],
    ['a 64-character jobName', { ...minimal, jobName: 'j'.repeat(64) }, 'jobName', /at most 63 characters/],
    ['a jobName starting with "_"', { ...minimal, jobName: '_weekly' }, 'jobName', /start with a letter or digit/],
    ['a jobName with a space', { ...minimal, jobName: 'weekly users' }, 'jobName', /only letters, digits/],
    ['numResults 0', { ...minimal, numResults: 0 }, 'numResults', /at least 1/],
    ['201 tags', { ...minimal, tags: Array.from({ length: 201 }, (_, i) => ({ tagKey: `k${i}`, tagValue: '' })) }, 'tags', /at most 200 tags/],
    ['an empty tagKey', { ...minimal, tags: [{ tagKey: 'ok', tagValue: '' }, { tagKey: '', tagValue: 'v' }] }, 'tags.1.tagKey', /must not be empty/],
    ['a 129-character tagKey', { ...minimal, tags: [{ tagKey: 'k'.repeat(129), tagValue: '' }] }, 'tags.0.tagKey', /at most 128/],
    ['maxPolls 2501', { ...minimal, maxPolls: 2501 }, 'maxPolls', /at most 2500.*25,000 history events/],
    ['maxPolls 0', { ...minimal, maxPolls: 0 }, 'maxPolls', /at least 1/],
    ['maxWaitSeconds 59', { ...minimal, maxWaitSeconds: 59 }, 'maxWaitSeconds', /at least 60/],
    ['maxWaitSeconds over 6 days', { ...minimal, maxWaitSeconds: 518_401 }, 'maxWaitSeconds', /at most 518400/],
    ['batchInferenceJobMode STANDARD', { ...minimal, batchInferenceJobMode: 'STANDARD' }, 'batchInferenceJobMode', /BATCH_INFERENCE or THEME_GENERATION/],
    ['THEME_GENERATION without themeGenerationConfig', { ...minimal, batchInferenceJobMode: 'THEME_GENERATION' }, 'themeGenerationConfig', /required when batchInferenceJobMode is THEME_GENERATION/],
    ['themeGenerationConfig without the mode', { ...minimal, themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'TITLE' } } }, 'batchInferenceJobMode', /must be THEME_GENERATION/],
    ['themeGenerationConfig with BATCH_INFERENCE', { ...minimal, batchInferenceJobMode: 'BATCH_INFERENCE', themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'TITLE' } } }, 'batchInferenceJobMode', /must be THEME_GENERATION/],
    ['an empty theme itemName', { ...minimal, batchInferenceJobMode: 'THEME_GENERATION', themeGenerationConfig: { fieldsForThemeGeneration: { itemName: '' } } }, 'themeGenerationConfig.fieldsForThemeGeneration.itemName', /must not be empty/],
    ['101 itemExplorationConfig entries', { ...minimal, batchInferenceJobConfig: { itemExplorationConfig: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 'v'])) } }, 'batchInferenceJobConfig.itemExplorationConfig', /at most 100 entries/],
    ['an unknown batchInferenceJobConfig member', { ...minimal, batchInferenceJobConfig: { explorationWeight: '0.3' } }, 'batchInferenceJobConfig.explorationWeight', /is not a known field/],
    ['an array', [minimal], '', /must be a JSON object/],
    ['a string', JSON.stringify(minimal), '', /must be a JSON object/],
    ['null', null, '', /must be a JSON object/],
    ['a number', 42, '', /must be a JSON object/],
  ])('refuses %s', (_label, raw, field, message) => {
    // Act
    const issues = issuesOf(raw);

    // Assess
    expect(issues.map((issue) => issue.field)).toEqual(expect.arrayContaining([field]));
    expect(issues.every((issue) => issue.field === field)).toBe(true);
    const issue = issues.find((candidate) => candidate.field === field);
    expect(issue?.message).toMatch(message);
    // Readable: a sentence fragment, not a zod code or a JSON dump.
    expect(issue?.message).not.toMatch(/invalid_|ZodError|\{/);
  });

  it('puts every issue into the error message, each prefixed by its field', () => {
    // Act
    let message = '';
    try {
      parseRunInput({ ...minimal, numResults: 0, jobName: '_x', extra: true });
    } catch (error) {
      message = (error as Error).message;
    }

    // Assess
    expect(message).toMatch(/^Invalid run input: /);
    expect(message).toContain('numResults: must be at least 1');
    expect(message).toContain('jobName: must start with a letter or digit');
    expect(message).toContain('extra: is not a known field');
  });

  it('reports a non-object input without a field prefix', () => {
    // Act & Assess
    expect(() => parseRunInput(null)).toThrow(/^Invalid run input: execution input must be a JSON object$/);
  });

  it.each<[string, unknown, string, RegExp]>([
    ['numResults 1.5', { ...minimal, numResults: 1.5 }, 'numResults', /whole number/],
    ['numResults "10"', { ...minimal, numResults: '10' }, 'numResults', /number/],
    ['a numeric inputPath', { inputPath: 42 }, 'inputPath', /string|S3 URI/],
    ['a string source', { ...minimal, source: 's3' }, 'source', /object|record/],
    ['maxWaitSeconds 90.5', { ...minimal, maxWaitSeconds: 90.5 }, 'maxWaitSeconds', /whole number of seconds/],
  ])('refuses %s with a message about the value, not "is required"', (_label, raw, field, message) => {
    // Act
    const issues = issuesOf(raw);

    // Assess
    const issue = issues.find((candidate) => candidate.field === field);
    expect(issue?.message).not.toBe('is required');
    expect(issue?.message).toMatch(message);
  });

  it.each<[string, unknown, string]>([
    ['numResults 1.5', { ...minimal, numResults: 1.5 }, 'numResults'],
    ['numResults "10"', { ...minimal, numResults: '10' }, 'numResults'],
    ['a numeric inputPath', { inputPath: 42 }, 'inputPath'],
    ['a string source', { ...minimal, source: 's3' }, 'source'],
  ])('refuses %s naming the field', (_label, raw, field) => {
    // Act
    const issues = issuesOf(raw);

    // Assess
    expect(issues.map((issue) => issue.field)).toEqual([field]);
  });
});

describe('parseRunInput: maxQueueSeconds plus maxWaitSeconds', () => {
  // Both must end before the state machine's 7-day timeout: at most 6 days (518400 s) together.
  // Defaults: maxQueueSeconds 21600 (6 h), maxWaitSeconds 86400 (24 h).

  it.each([
    ['both at their defaults', {}],
    ['maxQueueSeconds at its 5-day limit with the default maxWaitSeconds (exactly 518400)', { maxQueueSeconds: 432_000 }],
    ['maxWaitSeconds alone up to the limit less the default queue (exactly 518400)', { maxWaitSeconds: 496_800 }],
    ['both given, adding up to exactly 518400', { maxQueueSeconds: 18_400, maxWaitSeconds: 500_000 }],
    ['maxWaitSeconds at its own limit with no queueing at all', { maxQueueSeconds: 0, maxWaitSeconds: 518_400 }],
  ])('accepts %s', (_label, extra) => {
    // Act
    const input = parseRunInput({ ...minimal, ...extra });

    // Assess
    expect(input).toEqual({ ...minimal, ...extra });
  });

  it.each([
    ['maxQueueSeconds at its limit and maxWaitSeconds one second over the rest', { maxQueueSeconds: 432_000, maxWaitSeconds: 86_401 }, 518_401],
    ['maxWaitSeconds one second over the limit less the default queue', { maxWaitSeconds: 496_801 }, 518_401],
    ['maxWaitSeconds at its own limit with the default queue', { maxWaitSeconds: 518_400 }, 540_000],
    ['both given, one second over', { maxQueueSeconds: 18_401, maxWaitSeconds: 500_000 }, 518_401],
  ])('refuses %s, on maxWaitSeconds with the sum', (_label, extra, sum) => {
    // Act
    const issues = issuesOf({ ...minimal, ...extra });

    // Assess
    expect(issues).toEqual([{ field: 'maxWaitSeconds', message: expect.stringContaining('plus maxQueueSeconds must be at most 518400') }]);
    expect(issues[0]?.message).toContain(`they add up to ${sum}`);
  });
});

describe('parseRunInput: the execution input’s size', () => {
  const tags = (count: number, value: string, key = '') => Array.from({ length: count }, (_, index) => ({ tagKey: `t${index}${key}`, tagValue: value }));

  it('accepts 200 tags with long non-ASCII values that fit in RUN_INPUT_MAX_BYTES', () => {
    // Prepare: about 130 KB, the size that used to reach 270–400 KB on a step.
    const input = { ...minimal, tags: tags(200, 'Ж'.repeat(250)) };
    expect(Buffer.byteLength(JSON.stringify(input))).toBeGreaterThan(100_000);

    // Act & Assess
    expect(parseRunInput(input).tags).toHaveLength(200);
  });

  it('refuses an input larger than RUN_INPUT_MAX_BYTES, saying where large settings belong', () => {
    // Prepare: 200 tags with keys and values of three-byte characters: each member valid, the whole too large.
    const input = { ...minimal, tags: tags(200, '語'.repeat(256), '語'.repeat(120)) };
    expect(Buffer.byteLength(JSON.stringify(input))).toBeGreaterThan(RUN_INPUT_MAX_BYTES);

    // Act & Assess
    expect(() => parseRunInput(input)).toThrow(`a run accepts at most ${RUN_INPUT_MAX_BYTES}`);
    expect(() => parseRunInput(input)).toThrow("Move large settings (tags, batchInferenceJobConfig) to the job group's configuration file");
  });
});
