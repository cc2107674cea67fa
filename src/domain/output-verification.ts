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
 * Whether the output is good enough to call the run SUCCEEDED. It is not when there is no output
 * file or no record, when every record failed, or when the share of error records is above
 * `maxErrorRate` (0 to 1; 0 tolerates no error record).
 */
export function judgeOutput(summary: OutputSummary, maxErrorRate: number, outputPath: string): OutputVerdict {
  if (summary.outputFiles === 0) return { ok: false, reason: `Personalize wrote no output file (.out) under ${outputPath}` };
  if (summary.records === 0) return { ok: false, reason: `The output under ${outputPath} holds no records` };
  const rate = summary.errorRecords / summary.records;
  if (summary.errorRecords === summary.records || rate > maxErrorRate) {
    const first = summary.firstErrors[0];
    const limit = summary.errorRecords === summary.records ? '' : ` (more than maxErrorRate ${maxErrorRate})`;
    return { ok: false, reason: `${summary.errorRecords} of ${summary.records} records failed${limit}${first ? `: ${first}` : ''}` };
  }
  return { ok: true };
}
