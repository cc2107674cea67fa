import { createHash } from 'node:crypto';

/** Personalize: 1–63 characters, `^[a-zA-Z0-9][a-zA-Z0-9\-_]*`. */
export const JOB_NAME_MAX_LENGTH = 63;
export const JOB_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/;
/** Step Functions: 1–80 characters; AWS recommends `0-9A-Za-z-_` only so CloudWatch can show them. */
export const EXECUTION_NAME_MAX_LENGTH = 80;

const HASH_LENGTH = 16;

/** A short, stable digest; 16 hex characters (64 bits) make collisions between runs negligible. */
export function shortHash(...parts: Array<string | undefined>): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    // Length-prefixing keeps ("ab","c") and ("a","bc") apart.
    const value = part ?? '';
    hash.update(`${value.length}:${value};`);
  }
  return hash.digest('hex').slice(0, HASH_LENGTH);
}

/** Replaces every character outside `0-9A-Za-z-_` and collapses the result. */
export function toSafeNameSegment(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[^0-9A-Za-z_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
}

/**
 * The Personalize job name for a run. Deterministic, because a job name can be used only once ever
 * in an account and region: a retried start finds its own job by name instead of starting a second
 * one. The name keeps the run id readable and ends in a hash of the execution ARN and start time:
 * - the ARN names the state machine, so two stages in one account never compete for a name, even
 *   for the same run id (a schedule tick, a manual name used in both);
 * - the start time tells this execution from an earlier one of the same name (Step Functions frees
 *   a name 90 days after its execution closed), so a name that is taken is always this execution's.
 */
export function jobNameForRun(runId: string, executionArn: string, executionStartTime: string): string {
  const hash = shortHash('job', executionArn, executionStartTime);
  const readable = toSafeNameSegment(runId)
    .slice(0, JOB_NAME_MAX_LENGTH - HASH_LENGTH - 1)
    .replace(/[-_]+$/, '');
  const name = readable ? `${readable}-${hash}` : `run-${hash}`;
  return /^[a-zA-Z0-9]/.test(name) ? name : `r${name}`.slice(0, JOB_NAME_MAX_LENGTH);
}

export interface S3ObjectIdentity {
  bucket: string;
  key: string;
  versionId?: string | undefined;
  eTag?: string | undefined;
  sequencer?: string | undefined;
}

/**
 * The execution name for one uploaded object. S3 delivers notifications at least once: every
 * redelivery of the same event carries the same bucket, key, version/ETag and sequencer, so it maps
 * to the same name and Step Functions refuses to start it twice. A new upload of the same key has a
 * new sequencer (and ETag or version), so it is a new run.
 */
export function executionNameForS3Object(object: S3ObjectIdentity): string {
  const hash = shortHash('s3', object.bucket, object.key, object.versionId ?? object.eTag, object.sequencer);
  const fileName = object.key.split('/').pop() ?? object.key;
  const readable = toSafeNameSegment(fileName).slice(0, EXECUTION_NAME_MAX_LENGTH - HASH_LENGTH - 'upload--'.length);
  return readable ? `upload-${readable}-${hash}` : `upload-${hash}`;
}
