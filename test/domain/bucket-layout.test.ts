import { fittingFileName, configKey, DEFAULT_JOB_GROUP, jobGroupForInput, stagedInput, type BucketLayout } from '../../src/domain/bucket-layout';
import { DATA_BUCKET, LAYOUT } from '../support/sample-run';

const uri = (key: string, bucket = DATA_BUCKET) => `s3://${bucket}/${key}`;

describe('jobGroupForInput', () => {
  it('takes the group from the first folder under the input prefix', () => {
    // Act
    const group = jobGroupForInput(uri('input/users/2026-01-15.jsonl'), LAYOUT);

    // Assess
    expect(group).toBe('users');
  });

  it('takes only the first folder of a deeper path', () => {
    // Act & Assess
    expect(jobGroupForInput(uri('input/users/2026/01/15.jsonl'), LAYOUT)).toBe('users');
  });

  it('puts a file directly under the input prefix in the default group', () => {
    // Act
    const group = jobGroupForInput(uri('input/users.jsonl'), LAYOUT);

    // Assess
    expect(group).toBe(DEFAULT_JOB_GROUP);
    expect(DEFAULT_JOB_GROUP).toBe('default');
  });

  it.each([
    ['starts with a dash', 'input/-users/file.jsonl'],
    ['holds a dot', 'input/users.v2/file.jsonl'],
    ['holds a space', 'input/my users/file.jsonl'],
    ['is longer than 63 characters', `input/${'g'.repeat(64)}/file.jsonl`],
  ])('gives no group when the folder name %s', (_label, key) => {
    // Act & Assess
    expect(jobGroupForInput(uri(key), LAYOUT)).toBeUndefined();
  });

  it('accepts a folder name of exactly 63 characters', () => {
    // Act & Assess
    expect(jobGroupForInput(uri(`input/${'g'.repeat(63)}/file.jsonl`), LAYOUT)).toBe('g'.repeat(63));
  });

  it('gives no group for an input in another bucket', () => {
    // Act & Assess
    expect(jobGroupForInput(uri('input/users/file.jsonl', 'partner-exports'), LAYOUT)).toBeUndefined();
  });

  it.each([
    ['another prefix', 'exports/users/file.jsonl'],
    ['a prefix that only starts like the input folder', 'input-old/users/file.jsonl'],
  ])('gives no group for a key under %s', (_label, key) => {
    // Act & Assess
    expect(jobGroupForInput(uri(key), LAYOUT)).toBeUndefined();
  });

  it('gives no group for something that is not an S3 URI', () => {
    // Act & Assess
    expect(jobGroupForInput('https://example.com/input/users/file.jsonl', LAYOUT)).toBeUndefined();
  });

  it('follows a custom input prefix', () => {
    // Prepare
    const layout: BucketLayout = { ...LAYOUT, inputPrefix: 'drop/' };

    // Act & Assess
    expect(jobGroupForInput(uri('drop/users/file.jsonl'), layout)).toBe('users');
    expect(jobGroupForInput(uri('input/users/file.jsonl'), layout)).toBeUndefined();
  });
});

describe('configKey', () => {
  it('places the group’s file under the config prefix', () => {
    // Act & Assess
    expect(configKey('users', LAYOUT)).toBe('config/users.json');
    expect(configKey('users', { ...LAYOUT, configPrefix: 'settings/groups/' })).toBe('settings/groups/users.json');
  });
});

describe('stagedInput', () => {
  it('copies a data bucket file into a folder of the run’s own and points Personalize at that folder', () => {
    // Act
    const plan = stagedInput(uri('input/users/2026-01-15.jsonl'), 'run-1', LAYOUT);

    // Assess
    expect(plan).toEqual({
      source: { bucket: DATA_BUCKET, key: 'input/users/2026-01-15.jsonl', versionId: undefined },
      destination: { bucket: DATA_BUCKET, key: 'staging/run-1/2026-01-15.jsonl' },
      jobInputPath: `s3://${DATA_BUCKET}/staging/run-1/`,
      fileName: '2026-01-15.jsonl',
    });
  });

  it.each([
    ['212 characters', `${'n'.repeat(206)}.jsonl`],
    ['1,000 bytes of 4-byte characters', `${'😀'.repeat(248)}.jsonl`],
    ['1,000 bytes of 3-byte characters', `${'日'.repeat(331)}.jsonl`],
  ])('keeps a %s file name when the staged and output keys fit S3’s 1,024 bytes, and shortens it only when they would not', (_name, fileName) => {
    // Prepare
    const key = `input/${fileName}`;
    const runId = `upload-${'x'.repeat(56)}-0123456789abcdef`;
    const output = `s3://${DATA_BUCKET}/output/${runId}/`;

    // Act
    const plan = stagedInput(uri(key), runId, LAYOUT, undefined, output);

    // Assess
    const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
    expect(bytes(key)).toBeLessThanOrEqual(1024);
    expect(plan?.jobInputPath).toBe(`s3://${DATA_BUCKET}/staging/${runId}/`);
    expect(bytes(plan!.destination.key)).toBeLessThanOrEqual(1024);
    expect(bytes(`output/${runId}/${plan!.fileName}.out`)).toBeLessThanOrEqual(1024);
    expect(plan!.fileName.endsWith('.jsonl')).toBe(true);
    if (bytes(`staging/${runId}/${fileName}`) <= 1024 && bytes(`output/${runId}/${fileName}.out`) <= 1024) expect(plan!.fileName).toBe(fileName);
    else expect(plan!.fileName).toMatch(/-[0-9a-f]{16}\.jsonl$/);
  });

  it('shortens two long names that share their beginning to two different names', () => {
    const first = fittingFileName(`${'a'.repeat(990)}1.jsonl`, 900);
    const second = fittingFileName(`${'a'.repeat(990)}2.jsonl`, 900);
    expect(first).not.toBe(second);
    expect(Buffer.byteLength(first)).toBeLessThanOrEqual(900);
  });

  it('copies exactly the given version', () => {
    // Act
    const plan = stagedInput(uri('input/users.jsonl'), 'run-1', LAYOUT, 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e');

    // Assess
    expect(plan?.source).toEqual({ bucket: DATA_BUCKET, key: 'input/users.jsonl', versionId: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e' });
  });

  it('adds the missing slash to a staging prefix without one', () => {
    // Act
    const plan = stagedInput(uri('input/users.jsonl'), 'run-1', { ...LAYOUT, stagingPrefix: 'private/staging' });

    // Assess
    expect(plan?.destination.key).toBe('private/staging/run-1/users.jsonl');
    expect(plan?.jobInputPath).toBe(`s3://${DATA_BUCKET}/private/staging/run-1/`);
  });

  it('stages a data bucket file outside the input prefix too', () => {
    // Act & Assess
    expect(stagedInput(uri('exports/users.jsonl'), 'run-1', LAYOUT)?.destination.key).toBe('staging/run-1/users.jsonl');
  });

  it.each([
    ['a folder', uri('input/users/')],
    ['the bucket root', uri('')],
    ['a file in another bucket', uri('input/users.jsonl', 'partner-exports')],
    ['something that is not an S3 URI', 'https://example.com/users.jsonl'],
  ])('leaves %s as given', (_label, inputPath) => {
    // Act & Assess
    expect(stagedInput(inputPath, 'run-1', LAYOUT, 'v1')).toBeUndefined();
  });
});
