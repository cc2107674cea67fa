import { closingRecordFor, type ExecutionStatusChangeEvent } from '../domain/closed-execution';
import type { OpenRunCloser } from './ports';


export interface RecordClosedExecutionDependencies {
  runs: OpenRunCloser;
  now: () => number;
}

/**
 * Gives every closed execution a final record.
 *
 * Primary course: the run recorded its own outcome (the record step ran), so the closing record is
 * not written. Alternate course: the execution timed out, was aborted, or failed where no Catch
 * could record it; the run's record (ACCEPTED, RUNNING, ...) becomes TIMED_OUT, ABORTED or FAILED
 * with the reason, so no run is left looking as if it were still under way.
 */
export async function recordClosedExecution(
  event: ExecutionStatusChangeEvent,
  deps: RecordClosedExecutionDependencies,
): Promise<{ runId: string; written: boolean; status?: string }> {
  const record = closingRecordFor(event, deps.now());
  if (!record) return { runId: event.detail.name, written: false };
  const written = await deps.runs.closeIfOpen(record);
  return { runId: record.runId, written, status: record.status };
}
