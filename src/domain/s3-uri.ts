// zod/mini: the same validation core at ~15 KB instead of ~450 KB in every bundle that imports it.
import * as z from 'zod/mini';

/*
 * An S3 URI with a bucket name S3 allows, the bucket captured: one pattern for checking a user's
 * URI and for taking it apart, so the two never disagree about what a valid URI is.
 */
const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.*)$/;

/** Personalize's `S3DataConfig.path` limit, for a job's input and output path (characters). */
export const PERSONALIZE_PATH_MAX_LENGTH = 256;
/** S3's object key limit: 1,024 bytes of UTF-8. */
export const S3_KEY_MAX_BYTES = 1024;

const shapeChecks = [
  z.regex(/^s3:\/\/[^/]+\/.*$/, { error: 'must be an S3 URI: s3://<bucket>/<key>', abort: true }),
  z.regex(S3_URI, 'must name a valid bucket: 3-63 lowercase letters, digits, "." and "-"'),
  // S3 keeps "." and ".." as literal key parts, but file-based tools (and local mode's S3) resolve
  // them as relative paths: "output/../staging/" would be output/ to a prefix check and staging/ to them.
  z.refine(
    (value) => !(parseS3Uri(String(value))?.key ?? '').split('/').some((segment) => segment === '.' || segment === '..'),
    'must not have "." or ".." as a folder or file name: S3 keeps them literally, other tools read them as relative paths',
  ),
];

const s3UriChecks = [z.maxLength(PERSONALIZE_PATH_MAX_LENGTH, 'must be at most 256 characters (Personalize limit)'), ...shapeChecks];

/**
 * An S3 URI Personalize is given as is, as a job's input or output path: `s3://<bucket>/<key>`, at
 * most 256 characters (Personalize's `S3DataConfig.path` limit), with a bucket name S3 allows.
 */
export const S3UriSchema = z.string().check(...s3UriChecks);

/** As `S3UriSchema`, and ending in `/`: Personalize writes a job's output into a folder. */
export const S3FolderSchema = z.string().check(
  ...s3UriChecks,
  z.refine((value) => value.endsWith('/'), 'must be a folder: an S3 URI ending with "/"'),
);

/**
 * A run's input: any object or folder S3 can hold, `s3://<bucket>/<key>` with a key of at most
 * 1,024 bytes of UTF-8 (S3's limit). Personalize's 256-character limit is not checked here: it
 * applies to the path Personalize is given, which for a file in the data bucket is the run's short
 * staging folder (see `stagedInput` and `jobPathIssue`).
 */
export const S3InputUriSchema = z.string().check(
  ...shapeChecks,
  z.refine((value) => utf8Bytes(parseS3Uri(value)?.key ?? '') <= S3_KEY_MAX_BYTES, 'must have a key of at most 1,024 bytes of UTF-8 (S3 limit)'),
);

/** Characters as Personalize's model counts a string's length (Unicode code points). */
export function characterCount(text: string): number {
  return [...text].length;
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Splits `s3://<bucket>/<key>` into its bucket and key. Returns undefined for anything
 * `S3UriSchema` would refuse for its shape (not `s3://`, or an invalid bucket name); the key may be
 * empty.
 *
 * @example parseS3Uri('s3://data/input/users.jsonl') // { bucket: 'data', key: 'input/users.jsonl' }
 */
export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const match = S3_URI.exec(uri);
  if (!match || match[1] === undefined || match[2] === undefined) return undefined;
  return { bucket: match[1], key: match[2] };
}

/**
 * The URI of an object or folder: `s3://<bucket>/<key>`, the key as S3 spells it (not URL-encoded).
 *
 * @example s3UriOf('data', 'input/users.jsonl') // 's3://data/input/users.jsonl'
 */
export function s3UriOf(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/**
 * The URI as a folder: Personalize treats a path as a key prefix, so a folder must end in `/` or
 * it would also match its sibling `<name>-other/`.
 *
 * @example withTrailingSlash('s3://data/output') // 's3://data/output/'
 */
export function withTrailingSlash(uri: string): string {
  return uri.endsWith('/') ? uri : `${uri}/`;
}
