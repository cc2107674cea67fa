import { z } from 'zod';
import defaultCatalogJson from './default-catalog.json';
import { isSegmentationRecipe, SOLUTION_VERSION_STATUSES, STAND_IN_RECIPES, type StandInCatalog, type StandInFilter, type StandInSolutionVersion } from './types';
import { isPersonalizeArn } from './validation';

const personalizeArn = (resourceType: 'solution' | 'filter') =>
  z
    .string()
    .refine((arn) => isPersonalizeArn(arn), { error: 'must be a Personalize ARN (arn:<partition>:personalize:<region>:<account>:...)' })
    .refine((arn) => arn.split(':')[5]?.startsWith(`${resourceType}/`) === true, {
      error: `must name a ${resourceType} resource (…:${resourceType}/<name>${resourceType === 'solution' ? '/<version-id>' : ''})`,
    });

// Personalize caps item and user IDs at 256 characters.
const resourceId = z.string().min(1, { error: 'must not be empty' }).max(256, { error: 'must be at most 256 characters' });

// Strict objects: a misspelt member in a hand-written catalog file should fail loudly, not be ignored.
const catalogSchema = z
  .strictObject({
    solutionVersions: z
      .array(
        z.strictObject({
          arn: personalizeArn('solution'),
          recipe: z.enum(STAND_IN_RECIPES),
          status: z.enum(SOLUTION_VERSION_STATUSES).optional(),
          creationDateTime: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-11-20T03:00:00Z' }).optional(),
          failureReason: z.string().optional(),
        }),
      )
      .min(1, { error: 'must list at least one solution version' }),
    filters: z.array(z.strictObject({ arn: personalizeArn('filter'), excludeItemIds: z.array(resourceId) })),
    itemIds: z.array(resourceId).min(1, { error: 'must list at least one item' }),
    userIds: z.array(resourceId).optional(),
  })
  .superRefine((catalog, context) => {
    const reportDuplicates = (values: readonly string[], path: (index: number) => PropertyKey[], what: string) => {
      const seen = new Set<string>();
      values.forEach((value, index) => {
        if (seen.has(value)) context.addIssue({ code: 'custom', path: path(index), message: `duplicate ${what} '${value}'` });
        seen.add(value);
      });
    };
    reportDuplicates(catalog.solutionVersions.map((version) => version.arn), (i) => ['solutionVersions', i, 'arn'], 'ARN');
    reportDuplicates(catalog.filters.map((filter) => filter.arn), (i) => ['filters', i, 'arn'], 'ARN');
    reportDuplicates(catalog.itemIds, (i) => ['itemIds', i], 'item ID');
    if (catalog.userIds) reportDuplicates(catalog.userIds, (i) => ['userIds', i], 'user ID');
    // A segment lists users: a segmentation solution version needs some to recommend.
    const segmentation = catalog.solutionVersions.findIndex((version) => isSegmentationRecipe(version.recipe));
    if (segmentation !== -1 && !catalog.userIds?.length) {
      context.addIssue({ code: 'custom', path: ['userIds'], message: `must list at least one user: solutionVersions[${segmentation}] is a ${catalog.solutionVersions[segmentation]!.recipe} (user segmentation) version` });
    }
  });

/**
 * Validates a user-provided catalog (e.g. the parsed contents of a `--catalog` file).
 * @throws Error naming every offending field, e.g. `Invalid Personalize stand-in catalog: solutionVersions[0].recipe: ...`
 * @example
 * const catalog = loadCatalog(JSON.parse(await readFile('catalog.json', 'utf8')));
 */
export function loadCatalog(json: unknown): StandInCatalog {
  const result = catalogSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
    throw new Error(`Invalid Personalize stand-in catalog: ${problems.join('; ')}`);
  }
  const { solutionVersions, filters, itemIds, userIds } = result.data;
  return {
    solutionVersions: solutionVersions.map((version) => ({ ...version })),
    filters: filters.map((filter) => ({ arn: filter.arn, excludeItemIds: [...filter.excludeItemIds] })),
    itemIds: [...itemIds],
    ...(userIds ? { userIds: [...userIds] } : {}),
  };
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(catalog)';
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');
}

/**
 * The bundled catalog: one ACTIVE solution version per recipe (the first is the stage default; two
 * are user segmentation: Item-Affinity and Item-Attribute-Affinity),
 * one filter in account 123456789012, us-east-1, with 50 items and 20 users. The
 * User-Personalization solution also has an older ACTIVE version and newer versions that failed or
 * are still training, and `local-untrained` has no ACTIVE version at all, so runs naming a
 * `solutionArn` can be shown resolving, or failing to.
 */
export const DEFAULT_CATALOG: StandInCatalog = loadCatalog(defaultCatalogJson);

/** Constant-time lookups over a catalog, built once per stand-in. */
export interface CatalogIndex {
  solutionVersion(arn: string): StandInSolutionVersion | undefined;
  filter(arn: string): StandInFilter | undefined;
  readonly itemIds: readonly string[];
  /** The users segments are drawn from (batch segment jobs). */
  readonly userIds: readonly string[];
}

/** Copies what it keeps, so later edits to `catalog` cannot change a running stand-in. */
export function indexCatalog(catalog: StandInCatalog): CatalogIndex {
  const versions = new Map(catalog.solutionVersions.map((version) => [version.arn, { ...version }]));
  const filters = new Map(catalog.filters.map((filter) => [filter.arn, { arn: filter.arn, excludeItemIds: [...filter.excludeItemIds] }]));
  const itemIds = Object.freeze([...catalog.itemIds]);
  const userIds = Object.freeze([...(catalog.userIds ?? [])]);
  return {
    solutionVersion: (arn) => versions.get(arn),
    filter: (arn) => filters.get(arn),
    itemIds,
    userIds,
  };
}
