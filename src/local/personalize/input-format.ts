/*
 * Reading batch input: S3 locations and JSON Lines. Pure functions; job-runner.ts does the I/O.
 */

export interface S3Location {
  bucket: string;
  /** Key prefix, possibly empty. Not URL-decoded: Personalize paths carry raw keys. */
  prefix: string;
}

/**
 * Parses `s3://bucket/key-prefix`. The model also admits `http(s)://` paths; the stand-in cannot map
 * those onto s3rver buckets, so they come back undefined and the job fails with a reason saying so.
 */
export function parseS3Uri(uri: string): S3Location | undefined {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/su.exec(uri);
  if (!match?.[1]) return undefined;
  return { bucket: match[1], prefix: match[2] ?? '' };
}

/** Output paths name a folder: `s3://b/out` and `s3://b/out/` both mean keys under `out/`. */
export function asFolderPrefix(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/** The input file's name: the last segment of its key. Output goes to `<name>.out`. */
export function fileNameOf(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/** Folder placeholder objects (`in/` created by the console) are not input files. */
export function isFolderMarker(key: string): boolean {
  return key.endsWith('/');
}

export interface InputRecord {
  lineNumber: number;
  value: unknown;
}

export type JsonLinesResult = { ok: true; records: InputRecord[] } | { ok: false; lineNumber: number };

/** One line of JSON Lines input: blank (skipped), a record, or not JSON. */
export type JsonLine = { kind: 'blank' } | { kind: 'record'; value: unknown } | { kind: 'invalid' };

/**
 * Reads one line as the batch reader does: surrounding whitespace, a `\r` before the `\n` and a
 * byte-order mark trimmed; an empty line is blank; anything else must be one JSON value.
 */
export function parseJsonLine(rawLine: string): JsonLine {
  const line = rawLine.trim();
  if (line === '') return { kind: 'blank' };
  try {
    return { kind: 'record', value: JSON.parse(line) };
  } catch {
    return { kind: 'invalid' };
  }
}

/**
 * Parses JSON Lines: one JSON value per line, blank lines skipped, CRLF and a leading BOM tolerated.
 * Fails on the first line that is not JSON, reporting its 1-based number. For whole texts in memory;
 * the job runner reads S3 objects line by line (`readLines` + `parseJsonLine`) with the same rules.
 */
export function parseJsonLines(text: string): JsonLinesResult {
  const lines = text.replace(/^\uFEFF/u, '').split('\n');
  const records: InputRecord[] = [];
  for (const [index, rawLine] of lines.entries()) {
    const line = parseJsonLine(rawLine);
    if (line.kind === 'invalid') return { ok: false, lineNumber: index + 1 };
    if (line.kind === 'record') records.push({ lineNumber: index + 1, value: line.value });
  }
  return { ok: true, records };
}
