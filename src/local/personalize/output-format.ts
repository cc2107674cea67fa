import type { RecordRun } from './recommender';
import type { SegmentRun } from './segmenter';

/*
 * Batch inference output, one JSON line per input record, in the documented Personalize format:
 *   {"input":{"userId":"4638"},"output":{"recommendedItems":["63992",...],"scores":[0.0152238,...]},"error":null}
 * A record the recipe cannot use keeps its line, with `output: null` and a readable `error` string.
 * (AWS documents only that failed records carry a non-null `error` and count towards the results; the
 * exact shape and wording of its error lines are UNCONFIRMED, so consumers should test `error !== null`.)
 * In THEME_GENERATION mode `output` also carries `theme` (stand-in approximation).
 * Batch segment jobs write the same envelope with `output: {"recommendedUsers":[…]}` (aws-facts.md).
 */

export interface OutputLine {
  input: unknown;
  output: { recommendedItems: string[]; scores: number[]; theme?: string } | { recommendedUsers: string[] } | null;
  error: string | null;
}

export function toOutputLine(input: unknown, result: RecordRun | SegmentRun): OutputLine {
  return result.ok ? { input, output: result.output, error: null } : { input, output: null, error: result.error };
}

/** One newline-terminated JSON line, with members in Personalize's order: input, output, error. */
export function formatOutputLine(line: OutputLine): string {
  return `${JSON.stringify({ input: line.input, output: line.output, error: line.error })}\n`;
}

/** A whole output file in memory: its lines, each as `formatOutputLine` writes it when streaming. */
export function formatOutputFile(lines: readonly OutputLine[]): string {
  return lines.map(formatOutputLine).join('');
}
