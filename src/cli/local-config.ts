import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { LocalEnvironmentOptions } from '../local/local-environment';
import { FaultPlanSchema } from '../local/faults';
import { loadCatalog } from '../local/personalize';
import { describeFileError, UsageError } from './errors';

/**
 * `--config <file.json>`: a job group configuration, the same format as `config/<group>.json` in
 * the data bucket, optionally with a `local` section for the stand-ins:
 *
 * ```json
 * { "numResults": 10,
 *   "filterArn": "arn:aws:personalize:us-east-1:123456789012:filter/local-exclude-purchased",
 *   "local": { "jobDurations": { "pendingMs": 60000, "inProgressMs": 600000 }, "maxConcurrentJobs": 5,
 *              "catalog": { "solutionVersions": [...], "filters": [...], "itemIds": [...] },
 *              "faults": { "seed": 7, "http": [{ "service": "personalize", "operation": "DescribeBatchInferenceJob",
 *                                                "error": "ThrottlingException", "probability": 0.2 }] } } }
 * ```
 *
 * The job settings are not validated here: the run validates them, exactly as it would a file in
 * the bucket, and records what is wrong.
 */
const LocalSectionSchema = z
  .object({
    jobDurations: z
      .object({
        pendingMs: z.number().int().min(0),
        inProgressMs: z.number().int().min(0),
      })
      .strict()
      .optional(),
    maxConcurrentJobs: z.number().int().min(1).optional(),
    catalog: z.unknown().optional(),
    /** Failures on demand; see `FaultPlanSchema` and the README's "Failures on demand". */
    faults: FaultPlanSchema.optional(),
  })
  .strict();

export type LocalConfig = Pick<LocalEnvironmentOptions, 'jobDurations' | 'maxConcurrentJobs' | 'catalog' | 'faults'>;

export interface ConfigFile {
  local: LocalConfig;
  /** Everything but `local`: the job group configuration, raw. */
  jobSettings: Record<string, unknown>;
}

export async function readConfigFile(path: string | undefined): Promise<ConfigFile> {
  if (!path) return { local: {}, jobSettings: {} };
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`Cannot read config file ${path}: ${describeFileError(error)}`);
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`Config file ${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`Invalid config file ${path}: it must hold a JSON object`);
  const { local, ...jobSettings } = raw as Record<string, unknown>;
  const parsed = LocalSectionSchema.safeParse(local ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${['local', ...issue.path].join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid config file ${path}: ${problems}`);
  }
  const { catalog, ...rest } = parsed.data;
  return { local: { ...rest, ...(catalog !== undefined && { catalog: loadCatalog(catalog) }) }, jobSettings };
}
