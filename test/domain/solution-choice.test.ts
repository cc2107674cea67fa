import { InvalidRunInputError } from '../../src/domain/errors';
import { parseJobGroupConfig } from '../../src/domain/job-group-config';
import { mergeRunInput, parseRunInput } from '../../src/domain/run-input';
import { newestActiveVersion, type SolutionVersionSummary } from '../../src/domain/solution-choice';

const SOLUTION = 'arn:aws:personalize:us-east-1:123456789012:solution/users';
const VERSION = `${SOLUTION}/3f1c9a2b`;
const OTHER_VERSION = 'arn:aws:personalize:us-east-1:123456789012:solution/items/9d8e7f6a';
const INPUT_PATH = 's3://bucket/input/users.jsonl';
const NOW = Date.parse('2026-11-29T12:00:00Z');
const v = (id: string, status: string | undefined, created?: string): SolutionVersionSummary => ({
  solutionVersionArn: `${SOLUTION}/${id}`,
  status,
  creationDateTime: created === undefined ? undefined : new Date(created),
});

describe('newestActiveVersion', () => {
  it('picks the ACTIVE version created last, whatever order the list came in', () => {
    // Prepare: newer versions that are not ACTIVE, and an ACTIVE one listed first but older.
    const versions = [
      v('older', 'ACTIVE', '2026-11-14T03:00:00Z'),
      v('failed', 'CREATE FAILED', '2026-11-27T03:00:00Z'),
      v('newest-active', 'ACTIVE', '2026-11-21T03:00:00Z'),
      v('training', 'CREATE IN_PROGRESS', '2026-11-28T03:00:00Z'),
      v('stopped', 'CREATE STOPPED', '2026-11-28T04:00:00Z'),
    ];

    // Act
    const resolved = newestActiveVersion(SOLUTION, versions, NOW);

    // Assess
    expect(resolved).toEqual({ solutionArn: SOLUTION, solutionVersionArn: `${SOLUTION}/newest-active`, creationDateTime: '2026-11-21T03:00:00.000Z' });
  });

  it('breaks a tie in creation time by ARN, so the pick does not depend on the list order', () => {
    // Prepare
    const a = v('a', 'ACTIVE', '2026-11-21T03:00:00Z');
    const b = v('b', 'ACTIVE', '2026-11-21T03:00:00Z');

    // Act / Assess
    expect(newestActiveVersion(SOLUTION, [b, a], NOW).solutionVersionArn).toBe(`${SOLUTION}/a`);
    expect(newestActiveVersion(SOLUTION, [a, b], NOW).solutionVersionArn).toBe(`${SOLUTION}/a`);
  });

  it.each([
    ['no versions', [], `${SOLUTION} has no ACTIVE solution version (it has no versions)`],
    [
      'only versions that are not ACTIVE',
      [v('p', 'CREATE PENDING', '2026-11-28T00:00:00Z'), v('f', 'CREATE FAILED', '2026-11-27T00:00:00Z'), v('g', 'CREATE FAILED', '2026-11-26T00:00:00Z')],
      `${SOLUTION} has no ACTIVE solution version (3 versions: 1 CREATE PENDING, 2 CREATE FAILED)`,
    ],
  ])('refuses a solution with %s', (_case, versions, message) => {
    // Act / Assess
    expect(() => newestActiveVersion(SOLUTION, versions, NOW)).toThrow(new InvalidRunInputError([{ field: 'solutionArn', message }]));
  });

  it('refuses the newest ACTIVE version when it was created longer ago than maxSolutionVersionAgeDays, and says when', () => {
    // Prepare: 8.5 days old.
    const versions = [v('old', 'ACTIVE', '2026-11-21T00:00:00Z')];

    // Act / Assess
    expect(() => newestActiveVersion(SOLUTION, versions, NOW, 8)).toThrow(
      `Invalid run input: solutionArn: the newest ACTIVE solution version of ${SOLUTION}, ${SOLUTION}/old, was created 2026-11-21T00:00:00.000Z, 8.5 days ago: older than maxSolutionVersionAgeDays (8)`,
    );
    expect(newestActiveVersion(SOLUTION, versions, NOW, 9).solutionVersionArn).toBe(`${SOLUTION}/old`);
  });
});

describe('which place names the model', () => {
  it('lets a run naming a solutionVersionArn override its group\'s solutionArn', () => {
    // Act
    const merged = mergeRunInput({ solutionArn: SOLUTION, numResults: 10 }, parseRunInput({ inputPath: INPUT_PATH, solutionVersionArn: OTHER_VERSION }));

    // Assess
    expect(merged).toEqual({ inputPath: INPUT_PATH, solutionVersionArn: OTHER_VERSION, numResults: 10 });
  });

  it('lets a run naming a solutionArn override its group\'s solutionVersionArn', () => {
    // Act
    const merged = mergeRunInput({ solutionVersionArn: VERSION, maxSolutionVersionAgeDays: 8 }, parseRunInput({ inputPath: INPUT_PATH, solutionArn: SOLUTION }));

    // Assess: the group's other settings (its age limit) still apply.
    expect(merged).toEqual({ inputPath: INPUT_PATH, solutionArn: SOLUTION, maxSolutionVersionAgeDays: 8 });
  });

  it('keeps the group\'s choice when the run names no model', () => {
    // Act
    const merged = mergeRunInput({ solutionArn: SOLUTION }, parseRunInput({ inputPath: INPUT_PATH }));

    // Assess
    expect(merged).toEqual({ inputPath: INPUT_PATH, solutionArn: SOLUTION });
  });

  it('refuses a run input that names both', () => {
    // Act / Assess
    expect(() => parseRunInput({ inputPath: INPUT_PATH, solutionArn: SOLUTION, solutionVersionArn: VERSION })).toThrow(
      'Invalid run input: solutionArn: and solutionVersionArn name the model twice: give one of them',
    );
  });

  it('refuses a configuration file that names both, naming the file', () => {
    // Act / Assess
    expect(() => parseJobGroupConfig({ solutionArn: SOLUTION, solutionVersionArn: VERSION }, 's3://b/config/users.json')).toThrow(
      'Invalid run input: s3://b/config/users.json: solutionArn: and solutionVersionArn name the model twice: give one of them',
    );
  });

  it.each([
    ['a solution version ARN', VERSION, 'must be a Personalize solution ARN'],
    ['a filter ARN', 'arn:aws:personalize:us-east-1:123456789012:filter/f', 'must be a Personalize solution ARN'],
  ])('refuses %s as solutionArn', (_case, solutionArn, message) => {
    // Act / Assess
    expect(() => parseRunInput({ inputPath: INPUT_PATH, solutionArn })).toThrow(message);
  });

  it.each([
    [0, 'must be at least 1'],
    [1.5, 'must be a whole number of days'],
    [3651, 'must be at most 3650'],
  ])('refuses maxSolutionVersionAgeDays %p', (days, message) => {
    // Act / Assess
    expect(() => parseRunInput({ inputPath: INPUT_PATH, solutionArn: SOLUTION, maxSolutionVersionAgeDays: days })).toThrow(`maxSolutionVersionAgeDays: ${message}`);
  });
});
