import { closingRecordFor, type ExecutionStatusChangeEvent } from '../domain/closed-execution';
import type { ClosedRunRecord, OpenRunCloser } from './ports';
import type { RunRecord } from '../domain/run';


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
): Promise<ClosedExecutionResult> {
  const record = closingRecordFor(event, deps.now());
  if (!record) return { runId: event.detail.name, written: false };
  const closed = await deps.runs.closeIfOpen(record);
  if (!closed) return { runId: record.runId, written: false, status: record.status };
  return { runId: record.runId, written: true, status: record.status, closed: closedRunFacts(closed) };
}

/** What the closing told: whether it wrote, and what the run had reached (for its metrics). */
export interface ClosedExecutionResult {
  runId: string;
  written: boolean;
  status?: string;
  closed?: Pick<RunRecord, 'jobGroup' | 'jobArn' | 'queuedSeconds' | 'elapsedSeconds' | 'pollCount'> & { jobType?: string };
}

function closedRunFacts(record: ClosedRunRecord & { jobType?: unknown }): NonNullable<ClosedExecutionResult['closed']> {
  const { jobGroup, jobArn, queuedSeconds, elapsedSeconds, pollCount, jobType } = record;
  return { jobGroup, jobArn, queuedSeconds, elapsedSeconds, pollCount, ...(typeof jobType === 'string' && { jobType }) };
}
