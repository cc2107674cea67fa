import { asFolderPrefix, fileNameOf, parseJsonLines, parseS3Uri } from '../../src/local/personalize/input-format';
import { observeStatus, phaseAt } from '../../src/local/personalize/lifecycle';
import { formatOutputFile, toOutputLine } from '../../src/local/personalize/output-format';
import { createRecommender, DEFAULT_NUM_RESULTS, recordProblem, themeFor, type RecommendationOutput, type RecordRun } from '../../src/local/personalize/recommender';

const SV_A = 'arn:aws:personalize:us-east-1:123456789012:solution/a/00000001';
const SV_B = 'arn:aws:personalize:us-east-1:123456789012:solution/b/00000002';
const ITEMS = Array.from({ length: 50 }, (_, i) => `item-${String(i + 1).padStart(3, '0')}`);

function outputOf(result: RecordRun): RecommendationOutput {
  if (!result.ok) throw new Error(`expected recommendations, got error: ${result.error}`);
  return result.output;
}

function expectPersonalizeLikeScores(scores: readonly number[]): void {
  // One assertion per property, not per score: a 20,000-score list would otherwise spend seconds in expect().
  expect(scores.filter((score) => !(score > 0 && score <= 1))).toEqual([]);
  expect(scores.findIndex((score, i) => i > 0 && score > scores[i - 1]!)).toBe(-1);
  expect(scores.reduce((sum, score) => sum + score, 0)).toBeLessThanOrEqual(1);
}

describe('createRecommender', () => {
  test('is deterministic across calls and across recommender instances', () => {
    const setup = { solutionVersionArn: SV_A, recipe: 'USER_PERSONALIZATION' as const, itemIds: ITEMS };
    const first = createRecommender(setup)({ userId: 'user-001' });
    expect(createRecommender(setup)({ userId: 'user-001' })).toEqual(first);
    expect(createRecommender(setup)({ userId: 'user-001', filterValues: { X: '"y"' } })).toEqual(first);
  });

  test('differs between users and between solution versions', () => {
    const a = createRecommender({ solutionVersionArn: SV_A, recipe: 'USER_PERSONALIZATION', itemIds: ITEMS });
    const b = createRecommender({ solutionVersionArn: SV_B, recipe: 'USER_PERSONALIZATION', itemIds: ITEMS });
    const top = (result: RecordRun) => outputOf(result).recommendedItems;
    expect(top(a({ userId: 'user-001' }))).not.toEqual(top(a({ userId: 'user-002' })));
    expect(top(a({ userId: 'user-001' }))).not.toEqual(top(b({ userId: 'user-001' })));
  });

  test('returns 25 distinct catalog items by default, with Personalize-like scores', () => {
    const output = outputOf(createRecommender({ solutionVersionArn: SV_A, recipe: 'USER_PERSONALIZATION', itemIds: ITEMS })({ userId: 'u' }));
    expect(output.recommendedItems).toHaveLength(DEFAULT_NUM_RESULTS);
    expect(new Set(output.recommendedItems).size).toBe(DEFAULT_NUM_RESULTS);
    expect(output.recommendedItems.every((item) => ITEMS.includes(item))).toBe(true);
    expect(output.scores).toHaveLength(DEFAULT_NUM_RESULTS);
    expectPersonalizeLikeScores(output.scores);
    expect(output.theme).toBeUndefined();
  });

  test('keeps scores positive, descending and summing to at most 1 for a whole large catalog', () => {
    const itemIds = Array.from({ length: 20_000 }, (_, i) => `i${i}`);
    const recommend = createRecommender({ solutionVersionArn: SV_A, recipe: 'USER_PERSONALIZATION', itemIds, numResults: itemIds.length });
    const output = outputOf(recommend({ userId: 'u' }));
    expect(output.recommendedItems).toHaveLength(itemIds.length);
    expectPersonalizeLikeScores(output.scores);
  });

  test('removes excluded items after scoring, leaving the others in place', () => {
    const setup = { solutionVersionArn: SV_A, recipe: 'USER_PERSONALIZATION' as const, itemIds: ITEMS, numResults: 50 };
    const all = outputOf(createRecommender(setup)({ userId: 'u' }));
    const excluded = all.recommendedItems.slice(0, 3);
    const filtered = outputOf(createRecommender({ ...setup, excludeItemIds: excluded })({ userId: 'u' }));
    expect(filtered.recommendedItems).toEqual(all.recommendedItems.slice(3));
    expect(filtered.scores).toEqual(all.scores.slice(3));
  });

  test('RELATED_ITEMS leaves out the input item', () => {
    const recommend = createRecommender({ solutionVersionArn: SV_A, recipe: 'RELATED_ITEMS', itemIds: ITEMS, numResults: 100 });
    for (const itemId of ITEMS) {
      const output = outputOf(recommend({ itemId }));
      expect(output.recommendedItems).toHaveLength(ITEMS.length - 1);
      expect(output.recommendedItems).not.toContain(itemId);
    }
  });

  describe('PERSONALIZED_RANKING', () => {
    const ranking = (extra: Record<string, unknown> = {}) =>
      createRecommender({ solutionVersionArn: SV_A, recipe: 'PERSONALIZED_RANKING', itemIds: ITEMS, ...extra });

    test('returns a permutation of the list with unknown items last, in input order, duplicates once', () => {
      const itemList = ['zzz-new', 'item-001', 'item-002', 'item-001', 'aaa-new', 'item-003'];
      const output = outputOf(ranking()({ userId: 'u', itemList }));
      expect(output.recommendedItems).toHaveLength(5);
      expect([...output.recommendedItems.slice(0, 3)].sort()).toEqual(['item-001', 'item-002', 'item-003']);
      expect(output.recommendedItems.slice(3)).toEqual(['zzz-new', 'aaa-new']);
      expectPersonalizeLikeScores(output.scores);
    });

    test('ranks a list the same way whatever order it arrives in', () => {
      const list = ['item-001', 'item-002', 'item-003', 'item-004', 'item-005'];
      const forwards = outputOf(ranking()({ userId: 'u', itemList: list })).recommendedItems;
      expect(outputOf(ranking()({ userId: 'u', itemList: [...list].reverse() })).recommendedItems).toEqual(forwards);
    });

    test('truncates only when numResults is set, and applies the filter', () => {
      const itemList = ITEMS.slice(0, 30);
      expect(outputOf(ranking()({ userId: 'u', itemList })).recommendedItems).toHaveLength(30);
      expect(outputOf(ranking({ numResults: 4 })({ userId: 'u', itemList })).recommendedItems).toHaveLength(4);
      expect(outputOf(ranking({ numResults: 100 })({ userId: 'u', itemList })).recommendedItems).toHaveLength(30);
      const filtered = outputOf(ranking({ excludeItemIds: ['item-001', 'item-002'] })({ userId: 'u', itemList })).recommendedItems;
      expect(filtered).toHaveLength(28);
      expect(filtered).not.toContain('item-001');
    });
  });

  test('adds a deterministic theme only in theme mode', () => {
    const themed = createRecommender({ solutionVersionArn: SV_A, recipe: 'RELATED_ITEMS', itemIds: ITEMS, themes: true });
    const output = outputOf(themed({ itemId: 'item-001' }));
    expect(output.theme).toBe(themeFor(SV_A, 'item-001'));
    expect(Object.keys(output)).toEqual(['recommendedItems', 'scores', 'theme']);
    const themes = new Set(ITEMS.map((itemId) => themeFor(SV_A, itemId)));
    expect(themes.size).toBeGreaterThan(10);
  });
});

describe('recordProblem', () => {
  test.each([
    ['USER_PERSONALIZATION', { userId: 'u' }, undefined],
    ['USER_PERSONALIZATION', { itemId: 'i' }, 'userId'],
    ['USER_PERSONALIZATION', { userId: '' }, 'userId'],
    ['USER_PERSONALIZATION', { userId: 'u'.repeat(257) }, 'userId'],
    ['USER_PERSONALIZATION', 'u', 'JSON object'],
    ['USER_PERSONALIZATION', null, 'JSON object'],
    ['RELATED_ITEMS', { itemId: 'i' }, undefined],
    ['RELATED_ITEMS', { itemId: 7 }, 'itemId'],
    ['PERSONALIZED_RANKING', { userId: 'u', itemList: ['a'] }, undefined],
    ['PERSONALIZED_RANKING', { itemList: ['a'] }, 'userId'],
    ['PERSONALIZED_RANKING', { userId: 'u', itemList: 'a' }, 'itemList'],
    ['PERSONALIZED_RANKING', { userId: 'u', itemList: ['a', 1] }, 'itemList'],
  ] as const)('%s with %j → %s', (recipe, record, mentions) => {
    const problem = recordProblem(recipe, record);
    if (mentions === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(mentions);
  });
});

describe('JSON Lines and S3 paths', () => {
  test('skips blank lines and tolerates CRLF and a BOM, numbering lines from 1', () => {
    expect(parseJsonLines('\uFEFF{"a":1}\r\n\r\n  \n{"b":2}')).toEqual({
      ok: true,
      records: [
        { lineNumber: 1, value: { a: 1 } },
        { lineNumber: 4, value: { b: 2 } },
      ],
    });
    expect(parseJsonLines('')).toEqual({ ok: true, records: [] });
  });

  test('reports the first line that is not JSON', () => {
    expect(parseJsonLines('{"a":1}\n\n{"a":\n{"b":2}')).toEqual({ ok: false, lineNumber: 3 });
    expect(parseJsonLines('userId,itemId\nu1,i1')).toEqual({ ok: false, lineNumber: 1 });
  });

  test('parses s3:// URIs into bucket and raw prefix', () => {
    expect(parseS3Uri('s3://bucket/in/users.json')).toEqual({ bucket: 'bucket', prefix: 'in/users.json' });
    expect(parseS3Uri('s3://bucket/in')).toEqual({ bucket: 'bucket', prefix: 'in' });
    expect(parseS3Uri('s3://bucket')).toEqual({ bucket: 'bucket', prefix: '' });
    expect(parseS3Uri('s3://bucket/a%20b+c')).toEqual({ bucket: 'bucket', prefix: 'a%20b+c' });
    expect(parseS3Uri('https://bucket.s3.amazonaws.com/in')).toBeUndefined();
    expect(parseS3Uri('s3:///in')).toBeUndefined();
  });

  test('treats output paths as folders and names outputs after the input file', () => {
    expect(asFolderPrefix('out')).toBe('out/');
    expect(asFolderPrefix('out/')).toBe('out/');
    expect(asFolderPrefix('')).toBe('');
    expect(fileNameOf('in/nested/users.json')).toBe('users.json');
    expect(fileNameOf('users.json')).toBe('users.json');
  });
});

describe('output lines', () => {
  test('use Personalize member order, with output null and a string error for a failed record', () => {
    const ok = toOutputLine({ userId: 'u' }, { ok: true, output: { recommendedItems: ['a'], scores: [0.5] } });
    const failed = toOutputLine({ itemId: 'i' }, { ok: false, error: 'no userId' });
    expect(formatOutputFile([ok, failed])).toBe(
      '{"input":{"userId":"u"},"output":{"recommendedItems":["a"],"scores":[0.5]},"error":null}\n' +
        '{"input":{"itemId":"i"},"output":null,"error":"no userId"}\n',
    );
    expect(formatOutputFile([])).toBe('');
  });
});

describe('lifecycle', () => {
  const timeline = { createdAtMs: 1000, durations: { pendingMs: 10, inProgressMs: 20 } };

  test('derives the phase from the clock with half-open intervals', () => {
    expect([1000, 1009, 1010, 1029, 1030, 9999].map((now) => phaseAt(timeline, now))).toEqual(['PENDING', 'PENDING', 'IN_PROGRESS', 'IN_PROGRESS', 'DUE', 'DUE']);
  });

  test('reports a due but unfinalized job as still in progress, and outcomes at the due time', () => {
    expect(observeStatus(timeline, undefined, 5000)).toEqual({ status: 'CREATE IN_PROGRESS', lastUpdatedMs: 1010 });
    expect(observeStatus(timeline, { status: 'ACTIVE' }, 5000)).toEqual({ status: 'ACTIVE', lastUpdatedMs: 1030 });
    expect(observeStatus(timeline, { status: 'CREATE FAILED', failureReason: 'why' }, 5000)).toEqual({
      status: 'CREATE FAILED',
      lastUpdatedMs: 1030,
      failureReason: 'why',
    });
  });
});
