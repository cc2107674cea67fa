import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { LocalEnvironmentOptions } from '../local/local-environment';
import { loadCatalog } from '../local/personalize';

/**
 * `--config <file.json>` for the local commands: how the local stand-ins behave.
 *
 * ```json
 * { "jobDurations": { "pendingMs": 60000, "inProgressMs": 600000 },
 *   "maxConcurrentJobs": 5,
 *   "catalog": { "solutionVersions": [...], "filters": [...], "itemIds": [...] } }
 * ```
 */
const LocalConfigSchema = z
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
  })
  .strict();

export type LocalConfig = Pick<LocalEnvironmentOptions, 'jobDurations' | 'maxConcurrentJobs' | 'catalog'>;

export async function readLocalConfig(path: string | undefined): Promise<LocalConfig> {
  if (!path) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read config file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = LocalConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new Error(`Invalid config file ${path}: ${problems}`);
  }
  const { catalog, ...rest } = parsed.data;
  return { ...rest, ...(catalog !== undefined && { catalog: loadCatalog(catalog) }) };
}
