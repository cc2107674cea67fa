import { JOB_GROUP_NAME_PATTERN } from './job-group-config';
import { parseS3Uri, s3UriOf, withTrailingSlash } from './s3-uri';

/**
 * Where things live in the data bucket:
 *
 * - `input/<group>/<file>.jsonl`: uploads; the first folder under `input/` names the job group
 *   (files directly under `input/` belong to the `default` group).
 * - `config/<group>.json`: the group's job settings, shared by every run of the group.
 * - `staging/<runId>/<file>`: the run's private copy of its input (see `stagedInput`).
 * - `output/<runId>/<file>.out`: what Personalize writes.
 */
export interface BucketLayout {
  bucket: string;
  inputPrefix: string;
  configPrefix: string;
  stagingPrefix: string;
}

export const DEFAULT_JOB_GROUP = 'default';

/** The job group an input file belongs to by where it was uploaded, if it is in the data bucket. */
export function jobGroupForInput(inputPath: string, layout: Pick<BucketLayout, 'bucket' | 'inputPrefix'>): string | undefined {
  const location = parseS3Uri(inputPath);
  if (!location || location.bucket !== layout.bucket || !location.key.startsWith(layout.inputPrefix)) return undefined;
  const rest = location.key.slice(layout.inputPrefix.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return DEFAULT_JOB_GROUP;
  const folder = rest.slice(0, slash);
  return JOB_GROUP_NAME_PATTERN.test(folder) ? folder : undefined;
}

export function configKey(jobGroup: string, layout: BucketLayout): string {
  return `${layout.configPrefix}${jobGroup}.json`;
}

export interface StagingPlan {
  source: { bucket: string; key: string; versionId?: string | undefined };
  destination: { bucket: string; key: string };
  /** The folder Personalize reads: it holds the staged copy and nothing else. */
  jobInputPath: string;
}

/**
 * Personalize reads `jobInput.path` as a key prefix: `input/users.jsonl` would also pick up
 * `input/users.jsonl.bak` or `input/users.jsonl.2`. A file in the data bucket is therefore copied
 * to a folder of its own, `staging/<runId>/`, and Personalize reads that folder: it cannot see any
 * other file, and later uploads under the same name do not change what this run reads.
 * Paths that already name a folder, or live in other buckets, are used as given.
 */
export function stagedInput(
  inputPath: string,
  runId: string,
  layout: BucketLayout,
  versionId?: string | undefined,
): StagingPlan | undefined {
  const location = parseS3Uri(inputPath);
  if (!location || location.bucket !== layout.bucket || location.key.endsWith('/') || location.key === '') return undefined;
  const fileName = location.key.slice(location.key.lastIndexOf('/') + 1);
  const folder = `${withTrailingSlash(layout.stagingPrefix)}${runId}/`;
  return {
    source: { bucket: location.bucket, key: location.key, versionId },
    destination: { bucket: layout.bucket, key: `${folder}${fileName}` },
    jobInputPath: s3UriOf(layout.bucket, folder),
  };
}
