import type { EventBridgeEvent } from 'aws-lambda';

/**
 * Step Functions' own event when an execution closes ("Step Functions Execution Status Change").
 * Dates are epoch milliseconds. `error` and `cause` are not documented for every event version,
 * so they are optional.
 */
export type ExecutionStatusChangeEvent = EventBridgeEvent<
  'Step Functions Execution Status Change',
  {
    executionArn: string;
    stateMachineArn: string;
    name: string;
    status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';
    startDate?: number | null;
    stopDate?: number | null;
    error?: string | null;
    cause?: string | null;
  }
>;

/** The run record for an execution that closed without recording its own outcome. */
export interface ClosingRecord {
  runId: string;
  executionArn: string;
  status: 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  errorType: string;
  failureReason: string;
  /** ISO 8601: the execution's stop date, or the time the event was handled when it has none. */
  completedAt: string;
  /** ISO 8601: the execution's start date, when the event has one (as the record step writes it). */
  startedAt?: string | undefined;
}

/** What each closing status records when Step Functions' event carries no error or cause. */
const UNRECORDED_CLOSINGS: Record<ClosingRecord['status'], { errorType: string; failureReason: string }> = {
  TIMED_OUT: {
    errorType: 'States.Timeout',
    failureReason: "The execution reached the state machine's TimeoutSeconds before the run recorded its outcome",
  },
  ABORTED: { errorType: 'ExecutionAborted', failureReason: 'The execution was stopped before the run recorded its outcome' },
  FAILED: {
    errorType: 'ExecutionFailed',
    failureReason: 'The execution failed before the run recorded its outcome; see its execution history',
  },
};

function isClosingStatus(status: string): status is ClosingRecord['status'] {
  return Object.hasOwn(UNRECORDED_CLOSINGS, status);
}

/**
 * The record for an execution that closed without recording its own outcome: it hit the state
 * machine's TimeoutSeconds, was stopped by hand, or failed in a way no Catch could record. Returns
 * undefined for statuses the state machine records itself.
 *
 * @param nowMs - epoch milliseconds, the completion time when the event has no `stopDate`
 */
export function closingRecordFor(event: ExecutionStatusChangeEvent, nowMs: number): ClosingRecord | undefined {
  const { detail } = event;
  if (!isClosingStatus(detail.status)) return undefined;
  const fallback = UNRECORDED_CLOSINGS[detail.status];
  return {
    runId: detail.name,
    executionArn: detail.executionArn,
    completedAt: new Date(detail.stopDate ?? nowMs).toISOString(),
    ...(typeof detail.startDate === 'number' && { startedAt: new Date(detail.startDate).toISOString() }),
    status: detail.status,
    errorType: detail.error ?? fallback.errorType,
    failureReason: detail.cause ?? fallback.failureReason,
  };
}
