/**
 * What a finished job wrote, checked before a run may say SUCCEEDED.
 *
 * Personalize writes one `<input file name>.out` per input file under the job's output path, JSON
 * Lines, one line per input record, in the input's order:
 *   `{"input":{…},"output":{"recommendedItems":[…],"scores":[…]},"error":null}`
 * A record it could not score keeps its line with a non-null `error`, and the job still ends
 * `ACTIVE` (see shared/docs/aws-facts.md, "Quotas and formats"). So `ACTIVE` alone says nothing about
 * whether any recommendation was made: every record may have failed.
 */

/** Distinct error messages kept on the record; enough to diagnose, bounded in size. */
export const MAX_ERROR_SAMPLES = 3;
/** Characters kept of each sampled message (records are read by people and by the runs table). */
export const MAX_ERROR_SAMPLE_LENGTH = 300;

/** Counts over every output file of a job. */
export interface OutputSummary {
  /** `.out` objects found under the output path. */
  outputFiles: number;
  /** Non-blank output lines: one per input record Personalize read. */
  records: number;
  /** Lines with a non-null `error`, and lines that are not the documented JSON shape. */
  errorRecords: number;
  /** Lines without an error whose recommendation list (`recommendedItems` / `recommendedUsers`) is empty. */
  emptyRecords: number;
  /** Up to `MAX_ERROR_SAMPLES` distinct error messages, in the order first seen. */
  firstErrors: string[];
}

/**
 * Folds output lines into an `OutputSummary` one at a time, so an output of any size is checked
 * in constant memory.
 */
export class OutputTally {
  private readonly summary: OutputSummary = { outputFiles: 0, records: 0, errorRecords: 0, emptyRecords: 0, firstErrors: [] };

  /** Counts one more `.out` file (even an empty one). */
  addFile(): void {
    this.summary.outputFiles += 1;
  }

  /** Counts one line of an output file; blank lines (a trailing newline) are not records. */
  addLine(line: string): void {
    if (line.trim() === '') return;
    this.summary.records += 1;
    const verdict = classifyLine(line);
    if (verdict.kind === 'error') {
      this.summary.errorRecords += 1;
      this.sampleError(verdict.message);
    } else if (verdict.kind === 'empty') {
      this.summary.emptyRecords += 1;
    }
  }

  result(): OutputSummary {
    return { ...this.summary, firstErrors: [...this.summary.firstErrors] };
  }

  private sampleError(message: string): void {
    const sample = message.length > MAX_ERROR_SAMPLE_LENGTH ? `${message.slice(0, MAX_ERROR_SAMPLE_LENGTH - 1)}…` : message;
    if (this.summary.firstErrors.length < MAX_ERROR_SAMPLES && !this.summary.firstErrors.includes(sample)) {
      this.summary.firstErrors.push(sample);
    }
  }
}

type LineVerdict = { kind: 'ok' } | { kind: 'empty' } | { kind: 'error'; message: string };

function classifyLine(line: string): LineVerdict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { kind: 'error', message: 'Output line is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { kind: 'error', message: 'Output line is not a JSON object' };
  }
  const { error, output } = parsed as { error?: unknown; output?: unknown };
  if (error !== null && error !== undefined) {
    return { kind: 'error', message: typeof error === 'string' ? error : JSON.stringify(error) };
  }
  const recommendations = recommendationsOf(output);
  if (recommendations === undefined) return { kind: 'error', message: 'Output line has neither an error nor recommendations' };
  return recommendations === 0 ? { kind: 'empty' } : { kind: 'ok' };
}

/** Length of the line's recommendation list: items for inference jobs, users for segment jobs. */
function recommendationsOf(output: unknown): number | undefined {
  if (typeof output !== 'object' || output === null) return undefined;
  for (const field of ['recommendedItems', 'recommendedUsers'] as const) {
    const list = (output as Record<string, unknown>)[field];
    if (Array.isArray(list)) return list.length;
  }
  return undefined;
}

export type OutputVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Share of error records a run tolerates when its job group sets no `maxErrorRate`: 0.1 (10%).
 * A systematic problem (a wrong field name, another recipe's input shape, a bad filter value) fails
 * every record or most of them and is caught; a few malformed lines in an exported file are
 * reported on a SUCCEEDED record instead of throwing away the other recommendations. A group that
 * needs every record sets 0.
 */
export const DEFAULT_MAX_ERROR_RATE = 0.1;

/**
 * Whether the output is good enough to call the run SUCCEEDED. It is not when there is no output
 * file or no record, when every record failed (whatever `maxErrorRate`), when the share of error
 * records is above `maxErrorRate` (0 to 1; 0 tolerates no error record), or when no record got a
 * recommendation (every line failed or has an empty list: a filter or `numResults` that removes
 * everything leaves nothing to act on). Some empty lists alone are not a failure: a filter may
 * legitimately leave a user with nothing.
 */
export function judgeOutput(summary: OutputSummary, maxErrorRate: number, outputPath: string): OutputVerdict {
  if (summary.outputFiles === 0) return { ok: false, reason: `Personalize wrote no output file (.out) under ${outputPath}` };
  if (summary.records === 0) return { ok: false, reason: `The output under ${outputPath} holds no records` };
  const rate = summary.errorRecords / summary.records;
  const first = summary.firstErrors[0];
  if (summary.errorRecords === summary.records || rate > maxErrorRate) {
    const limit = summary.errorRecords === summary.records ? '' : ` (more than maxErrorRate ${maxErrorRate})`;
    return { ok: false, reason: `${summary.errorRecords} of ${summary.records} records failed${limit}${first ? `: ${first}` : ''}` };
  }
  if (summary.errorRecords + summary.emptyRecords === summary.records) {
    const failed = summary.errorRecords > 0 ? `, ${summary.errorRecords} failed${first ? ` (${first})` : ''}` : '';
    return {
      ok: false,
      reason: `No record got a recommendation: ${summary.emptyRecords} of ${summary.records} records have an empty list${failed}; check the filter and numResults`,
    };
  }
  return { ok: true };
}

/**
 * What "Verify output" hands the record step: the counts over the run's output (and the staged
 * input's record count, when the input was staged), or why the output could not be read. The
 * record step judges it (see `judgeOutput`); a verification that could not run is never a pass.
 */
export type OutputVerification = VerifiedOutput | UnverifiedOutput;

export interface VerifiedOutput extends OutputSummary {
  verified: true;
  /** What was read: the run's `<input file>.out`, or its output folder for a folder input. */
  location: string;
  /** Non-blank lines of the staged input copy; absent when the input was not staged (a folder, another bucket). */
  inputRecords?: number | undefined;
}

export interface UnverifiedOutput {
  verified: false;
  location: string;
  /** S3's error name, e.g. `AccessDenied`, `NoSuchBucket`, `KMS.DisabledException`. */
  error: string;
  /** Names the location and S3's message. */
  reason: string;
}
