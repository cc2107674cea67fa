import { createHash } from 'node:crypto';
import { selectTop } from './top-k';
import type { StandInRecipe } from './types';

/*
 * Deterministic stand-in "models". Every (solution version, user or item, candidate item) triple gets a
 * pseudo-random affinity from a stable hash, so the same job input always yields the same output, and
 * two solution versions disagree the way two trained models would.
 *
 * Scores imitate Personalize: a softmax over the whole catalog, so they are in (0, 1], descending, and the
 * top N sum to less than 1. A small share of probability mass is kept back for the "long tail" so that
 * rounding can never push a sum past 1.
 */

export const DEFAULT_NUM_RESULTS = 25;

/** Larger spreads make the top item dominate; 6 gives score curves shaped like the documented examples. */
const AFFINITY_SPREAD = 6;
const TAIL_MASS = 0.05;
/** Personalize prints scores with about seven significant digits. */
const SCORE_PRECISION = 7;

export interface RecommenderSetup {
  solutionVersionArn: string;
  recipe: StandInRecipe;
  itemIds: readonly string[];
  /** From the job's filter; removed from results after scoring, as Personalize filters do. */
  excludeItemIds?: readonly string[];
  /** As requested on the job; undefined means the default (25, or the whole list for ranking). */
  numResults?: number;
  /** THEME_GENERATION mode: add a theme to each result (stand-in approximation of Content Generator). */
  themes?: boolean;
}

export interface RecommendationOutput {
  recommendedItems: string[];
  scores: number[];
  theme?: string;
}

export type RecordRun = { ok: true; output: RecommendationOutput } | { ok: false; error: string };

/**
 * Builds the recommendation function for one job. Per-item hashes are computed once here, so scoring a
 * record costs a few integer operations per catalog item, and picking its top `numResults` costs
 * O(N log K) without sorting the catalog (`selectTop`).
 * @example
 * const recommend = createRecommender({ solutionVersionArn, recipe: 'USER_PERSONALIZATION', itemIds });
 * recommend({ userId: 'user-001' }); // { ok: true, output: { recommendedItems: [...25], scores: [...] } }
 */
export function createRecommender(setup: RecommenderSetup): (record: unknown) => RecordRun {
  const items = setup.itemIds.map((itemId) => ({ itemId, hash: hash32(`item\u0000${itemId}`) }));
  const itemHashes = new Map(items.map((item) => [item.itemId, item.hash]));
  const excluded = new Set(setup.excludeItemIds ?? []);
  const affinity = (seed: number, itemHash: number) => Math.exp(AFFINITY_SPREAD * unitInterval(seed ^ itemHash));
  const numResults = setup.numResults ?? DEFAULT_NUM_RESULTS;
  // The filter is fixed for the job, so its exclusions are applied once; only the RELATED_ITEMS input
  // item varies per record. Weights live in one reused array: `recommend` is synchronous.
  const candidates = items.flatMap((item, index) => (excluded.has(item.itemId) ? [] : [index]));
  const weights = new Float64Array(items.length);
  // Item IDs are looked up only on a tie: this comparator runs O(N log K) times per record.
  const byIndexWeightDescending = (a: number, b: number) => weights[b]! - weights[a]! || compareIds(items[a]!.itemId, items[b]!.itemId);

  function topOfCatalog(seed: number, skipItemId?: string): RecommendationOutput {
    // Summed over the whole catalog, in catalog order, filtered items included: the softmax's
    // denominator does not depend on what is left out of the results.
    let sum = 0;
    for (let index = 0; index < items.length; index++) {
      weights[index] = affinity(seed, items[index]!.hash);
      sum += weights[index]!;
    }
    const total = sum * (1 + TAIL_MASS);
    const skip = skipItemId === undefined ? undefined : (index: number) => items[index]!.itemId !== skipItemId;
    const ranked = selectTop(candidates, numResults, byIndexWeightDescending, skip).map((index) => ({
      itemId: items[index]!.itemId,
      weight: weights[index]!,
    }));
    return toOutput(ranked, total);
  }

  function rankList(seed: number, itemList: readonly string[]): RecommendationOutput {
    const unique = [...new Set(itemList)];
    // Personalize appends items it was not trained on after the ranked ones, in their input order.
    const known = unique
      .filter((itemId) => itemHashes.has(itemId))
      .map((itemId) => ({ itemId, weight: Math.E * affinity(seed, itemHashes.get(itemId)!) }))
      .sort((a, b) => byWeightDescending(a.itemId, a.weight, b.itemId, b.weight));
    const unknown = unique.filter((itemId) => !itemHashes.has(itemId)).map((itemId, index) => ({ itemId, weight: 0.5 ** (index + 1) }));
    const ordered = [...known, ...unknown];
    const total = ordered.reduce((sum, item) => sum + item.weight, 0) * (1 + TAIL_MASS);
    const kept = ordered.filter((item) => !excluded.has(item.itemId));
    return toOutput(kept.slice(0, setup.numResults ?? kept.length), total);
  }

  function withTheme(output: RecommendationOutput, itemId: string): RecommendationOutput {
    return setup.themes ? { ...output, theme: themeFor(setup.solutionVersionArn, itemId) } : output;
  }

  return function recommend(record: unknown): RecordRun {
    const problem = recordProblem(setup.recipe, record);
    if (problem) return { ok: false, error: problem };
    const fields = record as { userId?: string; itemId?: string; itemList?: string[] };
    switch (setup.recipe) {
      case 'USER_PERSONALIZATION':
        return { ok: true, output: topOfCatalog(seedFor(setup.solutionVersionArn, 'user', fields.userId!)) };
      case 'RELATED_ITEMS': {
        const itemId = fields.itemId!;
        return { ok: true, output: withTheme(topOfCatalog(seedFor(setup.solutionVersionArn, 'item', itemId), itemId), itemId) };
      }
      case 'PERSONALIZED_RANKING':
        return { ok: true, output: rankList(seedFor(setup.solutionVersionArn, 'user', fields.userId!), fields.itemList!) };
      case 'ITEM_AFFINITY':
      case 'ITEM_ATTRIBUTE_AFFINITY':
        // Not reached: recordProblem refuses every record, and the job runner fails such jobs first.
        return { ok: false, error: segmentationOnly(setup.recipe) };
    }
  };
}

/**
 * Why a record cannot be scored by this recipe, or undefined when it can. Extra members (such as
 * `filterValues`) are allowed: Personalize reads them or ignores them.
 */
export function recordProblem(recipe: StandInRecipe, record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return 'Invalid input record: expected a JSON object';
  }
  const fields = record as Record<string, unknown>;
  const needsId = (name: 'userId' | 'itemId') =>
    isResourceId(fields[name]) ? undefined : `Invalid input record: ${recipe} solution versions need a "${name}" string of 1 to 256 characters`;
  switch (recipe) {
    case 'USER_PERSONALIZATION':
      return needsId('userId');
    case 'RELATED_ITEMS':
      return needsId('itemId');
    case 'PERSONALIZED_RANKING': {
      const userProblem = needsId('userId');
      if (userProblem) return userProblem;
      const { itemList } = fields;
      if (!Array.isArray(itemList) || itemList.length === 0 || !itemList.every(isResourceId)) {
        return 'Invalid input record: PERSONALIZED_RANKING solution versions need a non-empty "itemList" of item ID strings';
      }
      return undefined;
    }
    case 'ITEM_AFFINITY':
    case 'ITEM_ATTRIBUTE_AFFINITY':
      return segmentationOnly(recipe);
  }
}

function segmentationOnly(recipe: StandInRecipe): string {
  return `Invalid input record: ${recipe} solution versions make user segments (batch segment jobs), not batch recommendations`;
}

export function isResourceId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 256;
}

function toOutput(ranked: ReadonlyArray<{ itemId: string; weight: number }>, total: number): RecommendationOutput {
  return {
    recommendedItems: ranked.map((item) => item.itemId),
    scores: ranked.map((item) => Number((item.weight / total).toPrecision(SCORE_PRECISION))),
  };
}

function byWeightDescending(aItemId: string, aWeight: number, bItemId: string, bWeight: number): number {
  // The item ID tie-break keeps the order total, so output never depends on sort stability, and the
  // bounded top-K selection returns exactly what a full sort would.
  return bWeight - aWeight || compareIds(aItemId, bItemId);
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function seedFor(solutionVersionArn: string, kind: 'user' | 'item', id: string): number {
  return hash32(`${solutionVersionArn}\u0000${kind}\u0000${id}`);
}

/** First 32 bits of SHA-256: stable across processes and Node versions, unlike anything seeded at random. */
export function hash32(text: string): number {
  return createHash('sha256').update(text, 'utf8').digest().readUInt32BE(0);
}

/** MurmurHash3's finalizer spreads `seed ^ itemHash` over [0, 1) so nearby inputs do not give nearby scores. */
export function unitInterval(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}

const THEME_OPENERS = ['Everyday', 'Weekend', 'Cozy', 'Fresh', 'Classic', 'Bold', 'Hidden', 'Seasonal'];
const THEME_SUBJECTS = ['essentials', 'favorites', 'finds', 'picks', 'staples', 'treasures', 'upgrades', 'discoveries'];

/**
 * A deterministic theme name. Content Generator derives themes from item names and descriptions with a
 * generative model; the stand-in only guarantees the same item gets the same theme.
 */
export function themeFor(solutionVersionArn: string, itemId: string): string {
  const hash = hash32(`${solutionVersionArn}\u0000theme\u0000${itemId}`);
  return `${THEME_OPENERS[hash % THEME_OPENERS.length]} ${THEME_SUBJECTS[(hash >>> 8) % THEME_SUBJECTS.length]}`;
}
