import { AwsServiceError } from '../../src/local/aws-json-server';
import { DEFAULT_CATALOG, loadCatalog } from '../../src/local/personalize/catalog';
import { decodeNextToken, encodeNextToken } from '../../src/local/personalize/job-store';
import {
  formatValidationMessage,
  validateCreateBatchInferenceJob,
  validateDescribeBatchInferenceJob,
  validateListBatchInferenceJobs,
} from '../../src/local/personalize/validation';

const USER_SV = 'arn:aws:personalize:us-east-1:123456789012:solution/local-user-personalization/1a2b3c4d';

function validRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    jobName: 'nightly-2026-01-01',
    solutionVersionArn: USER_SV,
    roleArn: 'arn:aws:iam::123456789012:role/PersonalizeBatchInferenceRole',
    jobInput: { s3DataSource: { path: 's3://bucket/input/' } },
    jobOutput: { s3DataDestination: { path: 's3://bucket/output/' } },
    ...overrides,
  };
}

function thrown(action: () => unknown): AwsServiceError {
  try {
    action();
  } catch (error) {
    if (error instanceof AwsServiceError) return error;
    throw error;
  }
  throw new Error('expected an AwsServiceError');
}

describe('formatValidationMessage', () => {
  test('formats one violation as AWS does', () => {
    expect(formatValidationMessage([{ path: 'jobName', value: 'x y', constraint: 'Member must satisfy regular expression pattern: ^a' }])).toBe(
      "1 validation error detected: Value 'x y' at 'jobName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^a",
    );
  });

  test('joins several violations with semicolons and renders missing values as null', () => {
    const message = formatValidationMessage([
      { path: 'jobName', value: undefined, constraint: 'Member must not be null' },
      { path: 'numResults', value: 0, constraint: 'Member must have value greater than or equal to 1' },
    ]);
    expect(message).toBe(
      "2 validation errors detected: Value null at 'jobName' failed to satisfy constraint: Member must not be null; " +
        "Value '0' at 'numResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });

  test('shortens very long values', () => {
    const message = formatValidationMessage([{ path: 'p', value: 'x'.repeat(5000), constraint: 'c' }]);
    expect(message.length).toBeLessThan(400);
  });
});

describe('validateCreateBatchInferenceJob', () => {
  test('returns the modeled members only, ignoring unknown ones', () => {
    const request = validateCreateBatchInferenceJob(validRequest({ surprise: true, numResults: 10 }));
    expect(request).toEqual({
      jobName: 'nightly-2026-01-01',
      solutionVersionArn: USER_SV,
      numResults: 10,
      roleArn: 'arn:aws:iam::123456789012:role/PersonalizeBatchInferenceRole',
      jobInput: { s3DataSource: { path: 's3://bucket/input/' } },
      jobOutput: { s3DataDestination: { path: 's3://bucket/output/' } },
    });
  });

  test.each([
    ['a one-character name', { jobName: 'a' }],
    ['a 63-character name', { jobName: `a${'-_9'.repeat(20)}bc` }],
    ['a role ARN with a path', { roleArn: 'arn:aws:iam::123456789012:role/service-role/Batch+Role=1,x.y@z' }],
    ['a China partition solution version', { solutionVersionArn: 'arn:aws-cn:personalize:cn-north-1:123456789012:solution/x/1' }],
    ['https paths', { jobInput: { s3DataSource: { path: 'https://bucket.s3.amazonaws.com/in' } } }],
    ['KMS keys', { jobOutput: { s3DataDestination: { path: 's3://b/o/', kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k' } } }],
    ['theme generation with its config', { batchInferenceJobMode: 'THEME_GENERATION', themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'TITLE' } } }],
    ['an empty tag value', { tags: [{ tagKey: 'k', tagValue: '' }] }],
    ['null optional members', { filterArn: null, numResults: null, tags: null }],
  ])('accepts %s', (_what, overrides) => {
    expect(() => validateCreateBatchInferenceJob(validRequest(overrides))).not.toThrow();
  });

  test('matches patterns against the whole value, not a prefix', () => {
    // The model's pattern has no `$`; a prefix match would accept these.
    for (const jobName of ['ok then bad!', 'abc$', 'name\n']) {
      const error = thrown(() => validateCreateBatchInferenceJob(validRequest({ jobName })));
      expect(error.message).toContain("at 'jobName' failed to satisfy constraint: Member must satisfy regular expression pattern");
    }
    const error = thrown(() => validateCreateBatchInferenceJob(validRequest({ roleArn: 'arn:aws:iam::123456789012:role/x y' })));
    expect(error.message).toContain("at 'roleArn'");
  });

  test.each([
    ['a numeric jobName', { jobName: 42 }, 'jobName', 'Member must be a string'],
    ['a string numResults', { numResults: '10' }, 'numResults', 'Member must be an integer'],
    ['a numResults beyond 32 bits', { numResults: 2 ** 31 }, 'numResults', 'Member must be an integer'],
    ['a jobInput that is a string', { jobInput: 's3://bucket/in/' }, 'jobInput', 'Member must be a structure'],
    ['tags that are not a list', { tags: { team: 'x' } }, 'tags', 'Member must be a list'],
    ['a non-string exploration value', { batchInferenceJobConfig: { itemExplorationConfig: { explorationWeight: 0.3 } } }, 'batchInferenceJobConfig.itemExplorationConfig.explorationWeight', 'Member must be a string'],
  ])('rejects %s as InvalidInputException (a stand-in choice: AWS would say SerializationException)', (_what, overrides, member, constraint) => {
    const error = thrown(() => validateCreateBatchInferenceJob(validRequest(overrides)));
    expect(error.type).toBe('InvalidInputException');
    expect(error.message).toContain(`at '${member}' failed to satisfy constraint: ${constraint}`);
  });

  test('reports too many tags only once the rest of the request is valid', () => {
    const tags = Array.from({ length: 201 }, (_, i) => ({ tagKey: `k${i}`, tagValue: '' }));
    expect(thrown(() => validateCreateBatchInferenceJob(validRequest({ tags }))).type).toBe('TooManyTagsException');
    expect(thrown(() => validateCreateBatchInferenceJob(validRequest({ tags, jobName: '' }))).type).toBe('InvalidInputException');
  });
});

describe('validateDescribeBatchInferenceJob and validateListBatchInferenceJobs', () => {
  test('Describe needs a Personalize ARN', () => {
    const arn = 'arn:aws:personalize:us-east-1:123456789012:batch-inference-job/x';
    expect(validateDescribeBatchInferenceJob({ batchInferenceJobArn: arn })).toEqual({ batchInferenceJobArn: arn });
    expect(thrown(() => validateDescribeBatchInferenceJob({})).message).toContain("Value null at 'batchInferenceJobArn'");
  });

  test('List defaults maxResults to 100 and bounds nextToken at 1500 characters', () => {
    expect(validateListBatchInferenceJobs({})).toEqual({ maxResults: 100 });
    expect(validateListBatchInferenceJobs({ maxResults: 1, nextToken: 't' })).toEqual({ maxResults: 1, nextToken: 't' });
    expect(thrown(() => validateListBatchInferenceJobs({ nextToken: 'x'.repeat(1501) })).message).toContain(
      "at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to 1500",
    );
  });
});

describe('next tokens', () => {
  test('round-trip for the query that issued them and fail for any other', () => {
    const token = encodeNextToken({ afterSequence: 7, solutionVersionArn: USER_SV });
    expect(decodeNextToken(token, USER_SV)).toEqual({ afterSequence: 7, solutionVersionArn: USER_SV });
    expect(decodeNextToken(token, undefined)).toBeUndefined();
    expect(decodeNextToken(token.slice(0, -3), USER_SV)).toBeUndefined();
    expect(decodeNextToken('pbo1.' + Buffer.from('{"afterSequence":-1,"solutionVersionArn":null}').toString('base64url'), undefined)).toBeUndefined();
    expect(decodeNextToken('pbo1.!!!', undefined)).toBeUndefined();
  });
});

describe('loadCatalog', () => {
  test('accepts the bundled default catalog, which has every recipe, a filter, 50 items and 20 users', () => {
    expect(loadCatalog(DEFAULT_CATALOG)).toEqual(DEFAULT_CATALOG);
    expect(new Set(DEFAULT_CATALOG.solutionVersions.map((version) => version.recipe))).toEqual(
      new Set(['USER_PERSONALIZATION', 'RELATED_ITEMS', 'PERSONALIZED_RANKING', 'ITEM_AFFINITY', 'ITEM_ATTRIBUTE_AFFINITY']),
    );
    for (const version of DEFAULT_CATALOG.solutionVersions) {
      expect(version.arn).toMatch(/^arn:aws:personalize:us-east-1:123456789012:solution\/local-[a-z-]+\/[0-9a-f]+$/);
    }
    expect(DEFAULT_CATALOG.filters[0]?.arn).toMatch(/^arn:aws:personalize:us-east-1:123456789012:filter\/local-exclude-/);
    expect(DEFAULT_CATALOG.itemIds).toHaveLength(50);
    expect(DEFAULT_CATALOG.userIds).toHaveLength(20);
  });

  test('returns a copy that later edits to the input cannot reach', () => {
    const input = { solutionVersions: [{ arn: USER_SV, recipe: 'USER_PERSONALIZATION' }], filters: [], itemIds: ['a'] };
    const catalog = loadCatalog(input);
    input.itemIds.push('b');
    expect(catalog.itemIds).toEqual(['a']);
  });

  const base = () => ({ solutionVersions: [{ arn: USER_SV, recipe: 'USER_PERSONALIZATION' }], filters: [] as unknown[], itemIds: ['a', 'b'] });

  test.each([
    ['an unknown recipe', { ...base(), solutionVersions: [{ arn: USER_SV, recipe: 'TRENDING_NOW' }] }, 'solutionVersions[0].recipe'],
    ['a malformed solution version ARN', { ...base(), solutionVersions: [{ arn: 'user-personalization', recipe: 'USER_PERSONALIZATION' }] }, 'solutionVersions[0].arn'],
    ['a filter ARN naming a solution', { ...base(), filters: [{ arn: USER_SV, excludeItemIds: [] }] }, 'filters[0].arn'],
    ['a filter without excludeItemIds', { ...base(), filters: [{ arn: 'arn:aws:personalize:us-east-1:123456789012:filter/f' }] }, 'filters[0].excludeItemIds'],
    ['no items', { ...base(), itemIds: [] }, 'itemIds'],
    ['a duplicate item', { ...base(), itemIds: ['a', 'b', 'a'] }, 'itemIds[2]'],
    ['an empty user ID', { ...base(), userIds: ['u1', ''] }, 'userIds[1]'],
    ['a misspelt member', { ...base(), filter: [] }, 'filter'],
    ['a missing member', { solutionVersions: base().solutionVersions, itemIds: ['a'] }, 'filters'],
  ])('rejects %s, naming the field', (_what, json, field) => {
    expect(() => loadCatalog(json)).toThrow(new RegExp(`^Invalid Personalize stand-in catalog: .*${field.replace(/[[\]]/g, '\\$&')}`));
  });

  test('rejects something that is not an object', () => {
    expect(() => loadCatalog('catalog.json')).toThrow(/Invalid Personalize stand-in catalog: \(catalog\)/);
  });
});
