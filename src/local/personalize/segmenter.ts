import { compareIds, hash32, isResourceId, unitInterval } from './recommender';
import { selectTop } from './top-k';
import type { SegmentationRecipe } from './types';

/*
 * The stand-in's user segmentation "models" (recipes aws-item-affinity and
 * aws-item-attribute-affinity): for each input line, the users most likely to interact with an item
 * (`{"itemId":"…"}`) or with items having given attributes (`{"itemAttributes":"ITEMS.genres =
 * \"Comedy\" AND …"}`). Deterministic like the recommender: every (solution version, item or
 * attribute expression, user) triple gets a stable pseudo-random affinity.
 *
 * Output follows shared/docs/aws-facts.md ("Batch segment jobs"): `{"recommendedUsers":[…]}` with
 * no scores. A segment's size defaults to `DEFAULT_USERS_PER_SEGMENT` (UNCONFIRMED: the model gives
 * no default), never more than the users the solution version knows.
 */

export const DEFAULT_USERS_PER_SEGMENT = 25;

export interface SegmenterSetup {
  solutionVersionArn: string;
  recipe: SegmentationRecipe;
  userIds: readonly string[];
  /** Users per segment, as requested on the job (`numResults`). */
  numResults?: number;
}

export type SegmentRun = { ok: true; output: { recommendedUsers: string[] } } | { ok: false; error: string };

/**
 * One `ITEMS.<field> = "<value>"` condition; Item-Attribute-Affinity queries allow only `=` and
 * `AND` (aws-facts.md). Field names follow Personalize's schema field names.
 */
const CONDITION = /^ITEMS\.[A-Za-z_][A-Za-z0-9_]*\s*=\s*"(?:[^"\\]|\\.)*"$/u;

/**
 * Builds the segmentation function for one job.
 * @example
 * const segment = createSegmenter({ solutionVersionArn, recipe: 'ITEM_AFFINITY', userIds, numResults: 3 });
 * segment({ itemId: 'item-001' }); // { ok: true, output: { recommendedUsers: ['user-007', 'user-013', 'user-002'] } }
 */
export function createSegmenter(setup: SegmenterSetup): (record: unknown) => SegmentRun {
  const users = setup.userIds.map((userId) => ({ userId, hash: hash32(`user\u0000${userId}`) }));
  const indexes = users.map((_user, index) => index);
  const weights = new Float64Array(users.length);
  const byWeightDescending = (a: number, b: number) => weights[b]! - weights[a]! || compareIds(users[a]!.userId, users[b]!.userId);
  const size = setup.numResults ?? DEFAULT_USERS_PER_SEGMENT;

  return function segment(record: unknown): SegmentRun {
    const problem = segmentRecordProblem(setup.recipe, record);
    if (problem) return { ok: false, error: problem };
    const fields = record as { itemId?: string; itemAttributes?: string };
    const key = setup.recipe === 'ITEM_AFFINITY' ? `item\u0000${fields.itemId!}` : `attributes\u0000${normalized(fields.itemAttributes!)}`;
    const seed = hash32(`${setup.solutionVersionArn}\u0000${key}`);
    for (let index = 0; index < users.length; index++) weights[index] = unitInterval(seed ^ users[index]!.hash);
    const top = selectTop(indexes, size, byWeightDescending);
    return { ok: true, output: { recommendedUsers: top.map((index) => users[index]!.userId) } };
  };
}

/** Why a line cannot be segmented by this recipe, or undefined when it can. Extra members are ignored. */
export function segmentRecordProblem(recipe: SegmentationRecipe, record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return 'Invalid input record: expected a JSON object';
  const fields = record as Record<string, unknown>;
  if (recipe === 'ITEM_AFFINITY') {
    return isResourceId(fields.itemId) ? undefined : 'Invalid input record: ITEM_AFFINITY solution versions need an "itemId" string of 1 to 256 characters';
  }
  const expression = fields.itemAttributes;
  if (typeof expression !== 'string' || expression.trim() === '') {
    return 'Invalid input record: ITEM_ATTRIBUTE_AFFINITY solution versions need an "itemAttributes" query string, e.g. "ITEMS.genres = \\"Comedy\\""';
  }
  const bad = conditionsOf(expression).find((condition) => !CONDITION.test(condition));
  return bad === undefined
    ? undefined
    : `Invalid input record: itemAttributes accepts only conditions ITEMS.<field> = "<value>" joined by AND; "${bad.slice(0, 100)}" is not one`;
}

function conditionsOf(expression: string): string[] {
  return expression.split(/\s+AND\s+/u).map((condition) => condition.trim());
}

/** The same query written with other spacing or condition order is the same segment. */
function normalized(expression: string): string {
  return conditionsOf(expression)
    .map((condition) => condition.replace(/\s*=\s*/u, ' = '))
    .sort()
    .join(' AND ');
}
