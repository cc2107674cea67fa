import { outputLocation } from '../../src/domain/output-location';

describe('outputLocation', () => {
  it.each([
    ['a file', 's3://b-1/in/users.jsonl', 's3://b-1/out/run-1/', 's3://b-1/out/run-1/users.jsonl.out'],
    ['a file, output without a slash', 's3://b-1/in/users.jsonl', 's3://b-1/out', 's3://b-1/out/users.jsonl.out'],
    ['a file at the bucket root', 's3://b-1/users.jsonl', 's3://b-1/out/', 's3://b-1/out/users.jsonl.out'],
    ['a folder', 's3://b-1/in/batch/', 's3://b-1/out/run-1/', 's3://b-1/out/run-1/'],
  ])('points at the results for %s', (_label, inputPath, outputPath, expected) => {
    // Act & Assess
    expect(outputLocation(inputPath, outputPath)).toBe(expected);
  });
});
