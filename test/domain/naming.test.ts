import {
  EXECUTION_NAME_MAX_LENGTH,
  executionNameForS3Object,
  JOB_NAME_MAX_LENGTH,
  jobNameForRun,
  shortHash,
  toSafeNameSegment,
  type S3ObjectIdentity,
} from '../../src/domain/naming';

/** Personalize's jobName constraint, restated here rather than imported so a change to it is caught. */
const PERSONALIZE_JOB_NAME = /^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/;
const CLOUDWATCH_SAFE_EXECUTION_NAME = /^[0-9A-Za-z_-]+$/;

describe('shortHash', () => {
  it('returns 16 lowercase hex characters', () => {
    // Act
    const hash = shortHash('run-1');

    // Assess
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('returns the same digest for the same parts', () => {
    // Act & Assess
    expect(shortHash('a', 'b', undefined)).toBe(shortHash('a', 'b', undefined));
  });

  it('keeps part boundaries apart', () => {
    // Act & Assess
    expect(shortHash('ab', 'c')).not.toBe(shortHash('a', 'bc'));
    expect(shortHash('a', '')).not.toBe(shortHash('a'));
  });

  it('treats an undefined part like an empty one', () => {
    // Act & Assess
    expect(shortHash('a', undefined)).toBe(shortHash('a', ''));
  });
});

describe('toSafeNameSegment', () => {
  it.each([
    ['keeps a safe name', 'users_2026-01', 'users_2026-01'],
    ['replaces runs of unsafe characters with one hyphen', 'users 2026.jsonl', 'users-2026-jsonl'],
    ['collapses repeated hyphens', 'a---b', 'a-b'],
    ['trims leading and trailing hyphens and underscores', '__-a b-_', 'a-b'],
    ['decomposes accented letters to their base letter', 'café', 'cafe'],
    ['turns a string with no safe characters into an empty one', '日本語 ✓', ''],
  ])('%s', (_label, text, expected) => {
    // Act & Assess
    expect(toSafeNameSegment(text)).toBe(expected);
  });
});

describe('jobNameForRun', () => {
  const START_TIME = '2026-01-15T10:00:00.000Z';
  const STAGE_ARN = (stage: string, runId: string) =>
    `arn:aws:states:us-east-1:123456789012:execution:personalize-batch-orchestrator-${stage}-batch-inference:${runId}`;
  const arnOf = (runId: string) => STAGE_ARN('dev', runId);
  const nameOf = (runId: string) => jobNameForRun(runId, arnOf(runId), START_TIME);

  it.each([
    ['a plain run id', 'run-2026-01-15'],
    ['underscores and digits first', '2026_01_15_users'],
    ['a schedule tick', 'schedule-nightly-users-20261128T020000Z'],
    ['one character', 'x'],
  ])('keeps %s readable and adds the execution hash, never using the bare run id', (_label, runId) => {
    // Act
    const name = nameOf(runId);

    // Assess
    expect(name).toMatch(new RegExp(`^${runId}-[0-9a-f]{16}$`));
    expect(name).not.toBe(runId);
  });

  it.each([
    ['63 characters', 'a'.repeat(63)],
    ['64 characters', 'a'.repeat(64)],
    ['200 characters', 'weekly-users-'.repeat(16)],
    ['a leading hyphen', '-run'],
    ['a leading underscore', '_run'],
    ['a hyphen where the readable part is cut', `${'a'.repeat(45)}-${'b'.repeat(20)}`],
    ['spaces', 'weekly users run'],
    ['dots and colons', 'users.jsonl:2026-01-15T10:00:00Z'],
    ['only punctuation', '...///'],
    ['non-ASCII letters', 'résumé-日本語'],
    ['an empty run id', ''],
    ['emoji', '🚀🚀🚀'],
  ])('turns a run id with %s into a valid job name', (_label, runId) => {
    // Act
    const name = nameOf(runId);

    // Assess
    expect(name.length).toBeLessThanOrEqual(JOB_NAME_MAX_LENGTH);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name.length).toBeGreaterThan(0);
    expect(name).toMatch(PERSONALIZE_JOB_NAME);
    expect(name).toMatch(/-[0-9a-f]{16}$/);
    expect(name).not.toBe(runId);
  });

  it('keeps a readable prefix of an invalid run id', () => {
    // Act
    const name = nameOf('weekly users 2026-01-15');

    // Assess
    expect(name).toMatch(/^weekly-users-2026-01-15-[0-9a-f]{16}$/);
  });

  it('returns the same name for the same execution every time', () => {
    // Prepare
    const runId = `upload ${'x'.repeat(100)}`;

    // Act
    const first = jobNameForRun(runId, arnOf(runId), START_TIME);
    const retried = jobNameForRun(runId, arnOf(runId), START_TIME);

    // Assess
    expect(retried).toBe(first);
  });

  it('gives the same run id in two stages different job names', () => {
    // Prepare: dev and prod in one account both fire the nightly schedule at 03:00.
    const runId = 'schedule-nightly-users-20261128T020000Z';

    // Act
    const dev = jobNameForRun(runId, STAGE_ARN('dev', runId), START_TIME);
    const prod = jobNameForRun(runId, STAGE_ARN('prod', runId), START_TIME);

    // Assess
    expect(dev).not.toBe(prod);
    expect(dev.startsWith(`${runId}-`)).toBe(true);
    expect(prod.startsWith(`${runId}-`)).toBe(true);
  });

  it('gives an execution name reused after 90 days a different job name than the first execution of that name', () => {
    // Prepare: Step Functions frees an execution name 90 days after its execution closed.
    const runId = 'monthly-users';

    // Act
    const first = jobNameForRun(runId, arnOf(runId), '2026-01-15T10:00:00.000Z');
    const reused = jobNameForRun(runId, arnOf(runId), '2026-04-20T10:00:00.000Z');

    // Assess
    expect(reused).not.toBe(first);
  });

  it('gives distinct run ids sharing a 100-character prefix distinct names', () => {
    // Prepare
    const prefix = 'upload-personalize-batch-dev-data-input-weekly-users-'.padEnd(100, 'x');
    const runIds = ['a', 'b', 'c', '1', ' ', '.'].map((suffix) => `${prefix}${suffix}`);

    // Act
    const names = runIds.map(nameOf);

    // Assess
    expect(new Set(names).size).toBe(runIds.length);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(JOB_NAME_MAX_LENGTH);
      expect(name).toMatch(PERSONALIZE_JOB_NAME);
    }
  });

  it('gives run ids that differ only in characters it replaces distinct names', () => {
    // Act
    const names = ['users 1', 'users.1', 'users:1', 'users/1'].map(nameOf);

    // Assess
    expect(new Set(names).size).toBe(4);
  });
});

describe('executionNameForS3Object', () => {
  const upload: S3ObjectIdentity = {
    bucket: 'personalize-batch-dev-data',
    key: 'input/users 2026-01-15.jsonl',
    eTag: 'd41d8cd98f00b204e9800998ecf8427e',
    sequencer: '0055AED6DCD90281E5',
  };

  it('names the execution after the file and a hash of its identity', () => {
    // Act
    const name = executionNameForS3Object(upload);

    // Assess
    expect(name).toMatch(/^upload-users-2026-01-15-jsonl-[0-9a-f]{16}$/);
  });

  it('returns the same name for a redelivered event', () => {
    // Act & Assess
    expect(executionNameForS3Object({ ...upload })).toBe(executionNameForS3Object({ ...upload }));
  });

  it.each<[string, Partial<S3ObjectIdentity>]>([
    ['sequencer (a new upload of the same key)', { sequencer: '0055AED6DCD90281E6' }],
    ['eTag (an unversioned bucket)', { eTag: '6f5902ac237024bdd0c176cb93063dc4' }],
    ['versionId', { versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko' }],
    ['key in another folder', { key: 'input/archive/users 2026-01-15.jsonl' }],
    ['bucket', { bucket: 'personalize-batch-prod-data' }],
  ])('returns a different name for a different %s', (_label, change) => {
    // Act
    const original = executionNameForS3Object(upload);
    const changed = executionNameForS3Object({ ...upload, ...change });

    // Assess
    expect(changed).not.toBe(original);
  });

  it('returns different names for two versions of a versioned object', () => {
    // Prepare
    const versioned = { ...upload, versionId: 'v1' };

    // Act & Assess
    expect(executionNameForS3Object(versioned)).not.toBe(executionNameForS3Object({ ...versioned, versionId: 'v2' }));
  });

  it.each([
    ['spaces', 'input/weekly users run.jsonl'],
    ['a literal plus', 'input/a+b.jsonl'],
    ['accented letters', 'input/café résumé.jsonl'],
    ['CJK characters', 'input/日本語のユーザー.jsonl'],
    ['emoji only', 'input/🚀🚀.jsonl'],
    ['characters Step Functions forbids', 'input/<a>{b}[c]?*"#%\\^|~`$&,;:.jsonl'],
    ['a 500-character file name', `input/${'u'.repeat(500)}.jsonl`],
    ['a 500-character accented file name', `input/${'é'.repeat(500)}.jsonl`],
    ['no file name (a key ending in a slash)', 'input/'],
  ])('returns a valid, CloudWatch-safe name for a key with %s', (_label, key) => {
    // Act
    const name = executionNameForS3Object({ ...upload, key });

    // Assess
    expect(name.length).toBeLessThanOrEqual(EXECUTION_NAME_MAX_LENGTH);
    expect(name).toMatch(CLOUDWATCH_SAFE_EXECUTION_NAME);
    expect(name).toMatch(/^upload-/);
    expect(name).toMatch(/-[0-9a-f]{16}$/);
  });

  it('keeps keys that differ only in non-ASCII characters apart', () => {
    // Act
    const names = ['input/日本.jsonl', 'input/中国.jsonl', 'input/한국.jsonl'].map((key) => executionNameForS3Object({ ...upload, key }));

    // Assess
    expect(new Set(names).size).toBe(3);
  });
});
