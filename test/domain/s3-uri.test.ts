import { parseS3Uri, s3UriOf, withTrailingSlash } from '../../src/domain/s3-uri';

describe('withTrailingSlash', () => {
  it('adds a slash only when missing', () => {
    // Act & Assess
    expect(withTrailingSlash('s3://b-1/out')).toBe('s3://b-1/out/');
    expect(withTrailingSlash('s3://b-1/out/')).toBe('s3://b-1/out/');
  });
});

describe('parseS3Uri', () => {
  it.each([
    ['s3://personalize-batch-dev-data/input/users.jsonl', { bucket: 'personalize-batch-dev-data', key: 'input/users.jsonl' }],
    ['s3://bucket.with.dots/a/b/', { bucket: 'bucket.with.dots', key: 'a/b/' }],
    ['s3://abc/', { bucket: 'abc', key: '' }],
    ['s3://abc/key with spaces+plus', { bucket: 'abc', key: 'key with spaces+plus' }],
  ])('splits %s into bucket and key', (uri, expected) => {
    // Act & Assess
    expect(parseS3Uri(uri)).toEqual(expected);
  });

  it.each([
    ['no key separator', 's3://bucket'],
    ['another scheme', 'https://bucket/key'],
    ['a two-character bucket', 's3://ab/key'],
    ['an upper-case bucket', 's3://Bucket/key'],
    ['an empty string', ''],
  ])('returns undefined for %s', (_label, uri) => {
    // Act & Assess
    expect(parseS3Uri(uri)).toBeUndefined();
  });
});

describe('s3UriOf', () => {
  it('joins a bucket and a key as S3 spells them, without encoding', () => {
    // Act & Assess
    expect(s3UriOf('b-1', 'input/users 2026+01.jsonl')).toBe('s3://b-1/input/users 2026+01.jsonl');
    expect(parseS3Uri(s3UriOf('b-1', 'staging/run-1/'))).toEqual({ bucket: 'b-1', key: 'staging/run-1/' });
  });
});
