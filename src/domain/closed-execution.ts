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

export interface ClosingRecord {
  runId: string;
  executionArn: string;
  status: 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  errorType: string;
  failureReason: string;
  completedAt: string;
}

/**
 * The record for an execution that closed without recording its own outcome: it hit the state
 * machine's TimeoutSeconds, was stopped by hand, or failed in a way no Catch could record. Returns
 * undefined for statuses the state machine records itself.
 */
export function closingRecordFor(event: ExecutionStatusChangeEvent, nowMs: number): ClosingRecord | undefined {
  const { detail } = event;
  const completedAt = new Date(detail.stopDate ?? nowMs).toISOString();
  const base = { runId: detail.name, executionArn: detail.executionArn, completedAt };
  switch (detail.status) {
    case 'TIMED_OUT':
      return {
        ...base,
        status: 'TIMED_OUT',
        errorType: detail.error ?? 'States.Timeout',
        failureReason: detail.cause ?? "The execution reached the state machine's TimeoutSeconds before the run recorded its outcome",
      };
    case 'ABORTED':
      return {
        ...base,
        status: 'ABORTED',
        errorType: detail.error ?? 'ExecutionAborted',
        failureReason: detail.cause ?? 'The execution was stopped before the run recorded its outcome',
      };
    case 'FAILED':
      return {
        ...base,
        status: 'FAILED',
        errorType: detail.error ?? 'ExecutionFailed',
        failureReason: detail.cause ?? 'The execution failed before the run recorded its outcome; see its execution history',
      };
    default:
      return undefined;
  }
}
