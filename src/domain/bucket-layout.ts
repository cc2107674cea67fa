import { JOB_GROUP_NAME_PATTERN } from './job-group-config';
import { shortHash } from './naming';
import { parseS3Uri, S3_KEY_MAX_BYTES, s3UriOf, utf8Bytes, withTrailingSlash } from './s3-uri';

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

/**
 * The input folder that should name a job group but cannot (`input/my.group/file.jsonl`), or
 * undefined when the path's folder is a valid group name, or it is not under the input prefix.
 * A folder that is not a group name would otherwise run with the stage defaults, silently
 * ignoring the configuration its owner meant for it.
 */
export function invalidGroupFolder(inputPath: string, layout: Pick<BucketLayout, 'bucket' | 'inputPrefix'>): string | undefined {
  const location = parseS3Uri(inputPath);
  if (!location || location.bucket !== layout.bucket || !location.key.startsWith(layout.inputPrefix)) return undefined;
  const rest = location.key.slice(layout.inputPrefix.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return undefined;
  const folder = rest.slice(0, slash);
  return JOB_GROUP_NAME_PATTERN.test(folder) ? undefined : folder;
}

export function configKey(jobGroup: string, layout: BucketLayout): string {
  return `${layout.configPrefix}${jobGroup}.json`;
}

/**
 * Where a run queued for capacity keeps the start it resolved on its first attempt:
 * `staging/<runId>.start.json`, beside (not inside) the folder Personalize reads, and expiring with
 * the staged copies.
 */
export function resolvedStartKey(runId: string, layout: BucketLayout): string {
  return `${withTrailingSlash(layout.stagingPrefix)}${runId}.start.json`;
}

export interface StagingPlan {
  source: { bucket: string; key: string; versionId?: string | undefined };
  destination: { bucket: string; key: string };
  /** The folder Personalize reads: it holds the staged copy and nothing else. */
  jobInputPath: string;
  /** The staged copy's file name: Personalize names its output `<fileName>.out`. */
  fileName: string;
}

/**
 * Personalize reads `jobInput.path` as a key prefix: `input/users.jsonl` would also pick up
 * `input/users.jsonl.bak` or `input/users.jsonl.2`. A file in the data bucket is therefore copied
 * to a folder of its own, `staging/<runId>/`, and Personalize reads that folder: it cannot see any
 * other file, and later uploads under the same name do not change what this run reads.
 * Paths that already name a folder, or live in other buckets, are used as given.
 *
 * The copy keeps the file's name unless that name would make the staged key, or the key of the
 * output Personalize writes for it under `outputPath`, longer than S3's 1,024 bytes: then it is
 * shortened (see `fittingFileName`).
 */
export function stagedInput(
  inputPath: string,
  runId: string,
  layout: BucketLayout,
  versionId?: string | undefined,
  outputPath?: string | undefined,
): StagingPlan | undefined {
  const outputKeyPrefix = outputPath === undefined ? undefined : withTrailingSlash(parseS3Uri(outputPath)?.key ?? '');
  const location = parseS3Uri(inputPath);
  if (!location || location.bucket !== layout.bucket || location.key.endsWith('/') || location.key === '') return undefined;
  const folder = `${withTrailingSlash(layout.stagingPrefix)}${runId}/`;
  // The copy's key and the output Personalize writes for it (`<outputKey><name>.out`) must both fit
  // in S3's 1,024-byte keys; the output folder's key is at most as long as its 256-character path.
  const outputFolderKeyBytes = outputKeyPrefix ? utf8Bytes(outputKeyPrefix) : 0;
  const budget = S3_KEY_MAX_BYTES - Math.max(utf8Bytes(folder), outputFolderKeyBytes + OUTPUT_SUFFIX.length);
  const fileName = fittingFileName(location.key.slice(location.key.lastIndexOf('/') + 1), budget);
  return {
    source: { bucket: location.bucket, key: location.key, versionId },
    destination: { bucket: layout.bucket, key: `${folder}${fileName}` },
    jobInputPath: s3UriOf(layout.bucket, folder),
    fileName,
  };
}

const OUTPUT_SUFFIX = '.out';

/**
 * The file name itself when it fits in `maxBytes` of UTF-8; otherwise its beginning (cut between
 * characters), a hash of the whole name, and its extension, so a shortened name stays unique and
 * Personalize still sees a `.jsonl`/`.json` file.
 */
export function fittingFileName(fileName: string, maxBytes: number): string {
  if (utf8Bytes(fileName) <= maxBytes) return fileName;
  const dot = fileName.lastIndexOf('.');
  const extension = dot > 0 && fileName.length - dot <= 16 ? fileName.slice(dot) : '';
  const tail = `-${shortHash('file', fileName)}${extension}`;
  let head = '';
  for (const character of fileName.slice(0, fileName.length - extension.length)) {
    if (utf8Bytes(head + character) + tail.length > maxBytes) break;
    head += character;
  }
  return `${head}${tail}`;
}
