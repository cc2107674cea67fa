import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CATALOG } from '../../src/local/personalize/catalog';
import { formatOutputFile, toOutputLine } from '../../src/local/personalize/output-format';
import { createRecommender, type RecommenderSetup } from '../../src/local/personalize/recommender';
import { selectTop } from '../../src/local/personalize/top-k';
import type { StandInRecipe } from '../../src/local/personalize/types';

/** A small seeded generator (mulberry32): random catalogs that are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Scored {
  itemId: string;
  weight: number;
}
const byWeightThenId = (a: Scored, b: Scored) => b.weight - a.weight || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0);

describe('selectTop', () => {
  test('equals a full sort and slice on random catalogs, ties and exclusions included', () => {
    // Prepare
    const random = seededRandom(9);
    for (let round = 0; round < 200; round++) {
      const size = Math.floor(random() * 300);
      // Few distinct weights, so many ties that only the item ID can break.
      const catalog: Scored[] = Array.from({ length: size }, (_, i) => ({ itemId: `i${Math.floor(random() * 1e6)}-${i}`, weight: Math.floor(random() * 20) }));
      const k = Math.floor(random() * (size + 10)) - 2;
      const include = (item: Scored) => !item.itemId.startsWith('i1');

      // Act
      const selected = selectTop(catalog, k, byWeightThenId, include);

      // Assess
      const expected = k > 0 ? catalog.filter(include).sort(byWeightThenId).slice(0, k) : [];
      expect(selected).toEqual(expected);
    }
  });

  test('leaves its input untouched', () => {
    const catalog = [3, 1, 2, 5, 4];
    selectTop(catalog, 2, (a, b) => b - a);
    expect(catalog).toEqual([3, 1, 2, 5, 4]);
  });
});

describe('createRecommender with top-K selection', () => {
  const svOf = (recipe: StandInRecipe) => DEFAULT_CATALOG.solutionVersions.find((version) => version.recipe === recipe)!.arn;
  const filtered = DEFAULT_CATALOG.filters[0]!.excludeItemIds;
  const users = [{ userId: 'user-001' }, { userId: 'user-002', filterValues: { G: '"x"' } }, { userId: 'new' }, { itemId: 'item-001' }, { userId: 42 }, ['user-001'], 'text', null];
  const items = [{ itemId: 'item-001' }, { itemId: 'item-050' }, { itemId: 'unknown' }, { userId: 'user-001' }];
  const lists = [{ userId: 'user-001', itemList: ['item-010', 'item-020', 'unknown-b', 'item-030', 'item-010', 'unknown-a'] }, { userId: 'u' }, { userId: 'u', itemList: [] }];
  const base = (recipe: StandInRecipe) => ({ solutionVersionArn: svOf(recipe), recipe, itemIds: DEFAULT_CATALOG.itemIds });
  // The same cases that produced personalize-golden-output.json with the full-sort recommender.
  const cases: Array<[string, RecommenderSetup, unknown[]]> = [
    ['user-default', base('USER_PERSONALIZATION'), users],
    ['user-3-filter', { ...base('USER_PERSONALIZATION'), numResults: 3, excludeItemIds: filtered }, users],
    ['user-5000', { ...base('USER_PERSONALIZATION'), numResults: 5000 }, users.slice(0, 2)],
    ['related-49-filter', { ...base('RELATED_ITEMS'), numResults: 49, excludeItemIds: filtered }, items],
    ['related-themes', { ...base('RELATED_ITEMS'), themes: true }, items],
    ['ranking-2', { ...base('PERSONALIZED_RANKING'), numResults: 2 }, lists],
    ['ranking-all', base('PERSONALIZED_RANKING'), lists],
  ];
  const golden = JSON.parse(readFileSync(join(__dirname, 'personalize-golden-output.json'), 'utf8')) as Record<string, string>;

  test.each(cases)('writes byte for byte what the full-sort recommender wrote (%s)', (name, setup, records) => {
    // Prepare
    const recommend = createRecommender(setup);

    // Act
    const text = formatOutputFile(records.map((record) => toOutputLine(record, recommend(record))));

    // Assess
    expect(text).toBe(golden[name]);
  });

  test('ranks a random large catalog as a full sort of the same scores would', () => {
    // Prepare
    const random = seededRandom(4);
    const itemIds = Array.from({ length: 2000 }, (_, i) => `item-${i}-${Math.floor(random() * 1e9)}`);
    const setup = { solutionVersionArn: svOf('USER_PERSONALIZATION'), recipe: 'USER_PERSONALIZATION' as const, itemIds };
    const everything = createRecommender({ ...setup, numResults: itemIds.length });

    // Act
    const top = createRecommender({ ...setup, numResults: 37 })({ userId: 'user-7' });

    // Assess: the whole catalog comes out sorted by the same order, so its head is the top 37.
    const all = everything({ userId: 'user-7' });
    if (!top.ok || !all.ok) throw new Error('expected recommendations');
    expect(top.output.recommendedItems).toEqual(all.output.recommendedItems.slice(0, 37));
    expect(top.output.scores).toEqual(all.output.scores.slice(0, 37));
  });
});
