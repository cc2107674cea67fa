import { closingRecordFor, type ExecutionStatusChangeEvent } from '../domain/closed-execution';
import { runEventFor, type RunEventDetailType } from '../domain/run-event';
import type { RunRecord } from '../domain/run';
import { releaseRun, type SlotQueues } from './job-slot-queue';
import type { ClosedRunRecord, OpenRunCloser, RunEventPublisher, RunRecordReader } from './ports';

export interface RecordClosedExecutionDependencies {
  runs: OpenRunCloser & RunRecordReader;
  /** Where the final record is published: the EventBridge bus, then the SNS topic when configured. */
  publishers: RunEventPublisher[];
  now: () => number;
  /** The job slot queues (one per job type): a closed run's slot and queue place are freed, and the queues served. */
  queues?: SlotQueues;
}

export interface ClosedExecutionResult {
  runId: string;
  /** Whether this invocation wrote the closing record (the run had not recorded its own outcome). */
  written: boolean;
  status?: string;
  /** The event published for the final record. */
  published: RunEventDetailType;
  /** What the run had reached when this invocation closed it (for its metrics); absent when the run recorded its own outcome. */
  closed?: Pick<RunRecord, 'jobGroup' | 'jobArn' | 'queuedSeconds' | 'elapsedSeconds' | 'pollCount'> & { jobType?: string };
}

/**
 * Gives every closed execution a final record, and tells people about it.
 *
 * Primary course: the run recorded its own outcome (the record step ran), so the closing record is
 * not written; the final record is read back (strongly consistent) and published as its event.
 * Alternate course: the execution timed out, was aborted, or failed where no Catch could record it;
 * the run's record (ACCEPTED, RUNNING, ...) first becomes TIMED_OUT, ABORTED or FAILED with the
 * reason, so no run is left looking as if it were still under way, and that record is published.
 *
 * Every closed run also gives up its job slot, or its place in the queue, and the queue is served:
 * a run that ended any way (recorded, timed out, aborted while queued) never holds a slot.
 *
 * Publishing happens after the execution closed, so it can never block or fail the run. It is
 * at-least-once: any failure throws, Lambda retries the invocation (twice), then parks the event in
 * the failure queue; a retry publishes the same event again, so consumers may see it twice.
 *
 * @throws when the record is missing or not final after closing (retried), or a publisher fails.
 */
export async function recordClosedExecution(event: ExecutionStatusChangeEvent, deps: RecordClosedExecutionDependencies): Promise<ClosedExecutionResult> {
  const runId = event.detail.name;
  const closing = closingRecordFor(event, deps.now());
  const closed = closing ? await deps.runs.closeIfOpen(closing) : undefined;
  // Whatever the outcome, the run's job is over (or no longer ours to watch): its slot goes to
  // the next waiter. Before publishing, so a failed publication's retry frees it too (idempotent).
  if (deps.queues) await releaseRun(runId, deps.queues);
  const record = await deps.runs.get(runId);
  const runEvent = record && runEventFor(record);
  if (!runEvent) {
    throw new Error(`Run ${runId} has no final record to publish (status ${record?.status ?? 'missing'}) after its execution closed ${event.detail.status}`);
  }
  for (const publisher of deps.publishers) await publisher.publish(runEvent);
  return {
    runId,
    written: closed !== undefined,
    ...(closing && { status: closing.status }),
    published: runEvent.detailType,
    ...(closed && { closed: closedRunFacts(closed) }),
  };
}

function closedRunFacts(record: ClosedRunRecord & { jobType?: unknown }): NonNullable<ClosedExecutionResult['closed']> {
  const { jobGroup, jobArn, queuedSeconds, elapsedSeconds, pollCount, jobType } = record;
  return { jobGroup, jobArn, queuedSeconds, elapsedSeconds, pollCount, ...(typeof jobType === 'string' && { jobType }) };
}
