import { DEFAULT_JOB_TYPE, jobTypeOfArn, type JobType } from './job-type';
import type { RunRecord } from './run';

/**
 * The event every final run record is published as, on the account's default EventBridge bus (and,
 * when configured, as an SNS message with the same summary). A rule matches it on `source` and
 * `detail-type`; the detail carries what a consumer acts on without reading the runs table.
 */

/** `source` of every run event: the service's name (AWS reserves the `aws.` prefix for itself). */
export const RUN_EVENT_SOURCE = 'personalize-batch-orchestrator';

/** `detail-type` by final status, for batch inference runs. */
export const RUN_EVENT_DETAIL_TYPES = Object.freeze({
  SUCCEEDED: 'Batch Inference Run Succeeded',
  FAILED: 'Batch Inference Run Failed',
  TIMED_OUT: 'Batch Inference Run Timed Out',
  ABORTED: 'Batch Inference Run Aborted',
} as const);

/** `detail-type` by final status, for batch segment runs (`jobType` `BATCH_SEGMENT`). */
export const SEGMENT_RUN_EVENT_DETAIL_TYPES = Object.freeze({
  SUCCEEDED: 'Batch Segment Run Succeeded',
  FAILED: 'Batch Segment Run Failed',
  TIMED_OUT: 'Batch Segment Run Timed Out',
  ABORTED: 'Batch Segment Run Aborted',
} as const);

/** `detail-type` by job type and final status: a rule can listen to one kind of run or both. */
export const RUN_EVENT_DETAIL_TYPES_BY_JOB_TYPE = Object.freeze({
  BATCH_INFERENCE: RUN_EVENT_DETAIL_TYPES,
  BATCH_SEGMENT: SEGMENT_RUN_EVENT_DETAIL_TYPES,
} as const);

export type FinalRunStatus = keyof typeof RUN_EVENT_DETAIL_TYPES;
export type RunEventDetailType = (typeof RUN_EVENT_DETAIL_TYPES_BY_JOB_TYPE)[JobType][FinalRunStatus];

/**
 * Characters of `failureReason` kept in an event: enough for any reason the orchestrator writes,
 * while the entry stays far below EventBridge's 256 KB (a bad run input's reason lists every field).
 */
export const MAX_EVENT_REASON_LENGTH = 4000;

/** The event's `detail`: the final record's summary. Absent members were absent on the record. */
export interface RunEventDetail {
  runId: string;
  status: FinalRunStatus;
  /** The record's job type; for a record without one, read from its job ARN, else `BATCH_INFERENCE`. */
  jobType: JobType;
  executionArn?: string | undefined;
  jobGroup?: string | undefined;
  jobName?: string | undefined;
  jobArn?: string | undefined;
  inputPath?: string | undefined;
  outputPath?: string | undefined;
  /** Where the recommendations are: set on SUCCEEDED runs only. */
  outputLocation?: string | undefined;
  outputFiles?: number | undefined;
  records?: number | undefined;
  errorRecords?: number | undefined;
  emptyRecords?: number | undefined;
  inputRecords?: number | undefined;
  firstErrors?: string[] | undefined;
  maxErrorRate?: number | undefined;
  errorType?: string | undefined;
  failureReason?: string | undefined;
  acceptedAt?: string | undefined;
  startedAt?: string | undefined;
  completedAt?: string | undefined;
}

export interface RunEvent {
  source: typeof RUN_EVENT_SOURCE;
  detailType: RunEventDetailType;
  detail: RunEventDetail;
  /** ARNs the event concerns: the execution (its name holds the stage) and the job, when known. */
  resources: string[];
  /** The record's `completedAt`, as the event's time. */
  time?: string | undefined;
}

/** A record as read back from the runs table: a run's own record, or one recordClosedExecution closed. */
export type StoredRunRecord = Omit<Partial<RunRecord>, 'status'> & { runId: string; status?: string | undefined };

export function isFinalRunStatus(status: string | undefined): status is FinalRunStatus {
  return status !== undefined && Object.hasOwn(RUN_EVENT_DETAIL_TYPES, status);
}

/**
 * The event for a final record; undefined while the run is not final (ACCEPTED, RUNNING,
 * WAITING_FOR_CAPACITY) or was never one (REJECTED). Pure: the same record gives the same event,
 * so a retried publication repeats it exactly.
 */
export function runEventFor(record: StoredRunRecord): RunEvent | undefined {
  if (!isFinalRunStatus(record.status)) return undefined;
  // A record the closer wrote for a run that never recorded itself may lack jobType; its job ARN says it.
  const jobType = record.jobType ?? jobTypeOfArn(record.jobArn) ?? DEFAULT_JOB_TYPE;
  const detail: RunEventDetail = {
    runId: record.runId,
    status: record.status,
    jobType,
    executionArn: record.executionArn,
    jobGroup: record.jobGroup,
    jobName: record.jobName,
    jobArn: record.jobArn,
    inputPath: record.inputPath,
    outputPath: record.outputPath,
    outputLocation: record.outputLocation,
    outputFiles: record.outputFiles,
    records: record.records,
    errorRecords: record.errorRecords,
    emptyRecords: record.emptyRecords,
    inputRecords: record.inputRecords,
    firstErrors: record.firstErrors,
    maxErrorRate: record.maxErrorRate,
    errorType: record.errorType,
    failureReason: capped(record.failureReason),
    acceptedAt: record.acceptedAt,
    startedAt: record.startedAt,
    completedAt: record.completedAt,
  };
  return {
    source: RUN_EVENT_SOURCE,
    detailType: RUN_EVENT_DETAIL_TYPES_BY_JOB_TYPE[jobType][record.status],
    detail: withoutUndefined(detail),
    resources: [record.executionArn, record.jobArn].filter((arn): arn is string => typeof arn === 'string'),
    time: record.completedAt,
  };
}

/** A one-line summary for people (an SNS subject, the CLI): status, run, and what it produced or why not. */
export function runEventSummary(event: RunEvent): string {
  const { detail } = event;
  const figures =
    detail.records === undefined ? '' : ` (${detail.records} records, ${detail.errorRecords ?? 0} failed, ${detail.emptyRecords ?? 0} without recommendations)`;
  if (detail.status === 'SUCCEEDED') return `${event.detailType}: ${detail.runId}${figures} → ${detail.outputLocation ?? detail.outputPath ?? ''}`.trimEnd();
  return `${event.detailType}: ${detail.runId}${figures}: ${detail.failureReason ?? detail.errorType ?? 'no reason recorded'}`;
}

function capped(reason: string | undefined): string | undefined {
  if (reason === undefined || reason.length <= MAX_EVENT_REASON_LENGTH) return reason;
  return `${reason.slice(0, MAX_EVENT_REASON_LENGTH - 1)}…`;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
