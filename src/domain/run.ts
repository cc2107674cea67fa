import type { PollingPolicy, PollState } from './polling-policy';
import { JOB_GROUP_NAME_PATTERN } from './job-group-config';
import { JOB_TYPES, jobTypeOrDefault, type JobType } from './job-type';
import { jobPhase } from './job-status';
import { DEFAULT_MAX_ERROR_RATE, judgeOutput, type OutputVerification } from './output-verification';
import { timeoutReason } from './polling-policy';
import { secondsSince } from './time';

/** Identity of the Step Functions execution a handler runs in (from the context object `$$`). */
export interface ExecutionRef {
  /** `$$.Execution.Id`: the execution ARN. */
  arn: string;
  /** `$$.Execution.Name`: also the run id. */
  name: string;
  /** `$$.Execution.StartTime`, ISO 8601. */
  startTime: string;
}

/** What the start step hands to the polling loop; carried unchanged until the run is recorded. */
export interface RunContext {
  runId: string;
  /**
   * The kind of job the run started; Personalize's job quota is per job type. Absent only on runs
   * started before the setting existed, which were batch inference runs.
   */
  jobType?: JobType | undefined;
  executionArn: string;
  executionStartTime: string;
  jobName: string;
  jobArn: string;
  /** True when the job already existed (a retried start) and this run adopted it. */
  adoptedExistingJob: boolean;
  /** When the job was created (or adopted), ISO 8601: the guard's elapsed time counts from here. */
  jobCreatedAt: string;
  jobGroup?: string | undefined;
  solutionVersionArn: string;
  /** Set when the run named a solution: `solutionVersionArn` is the version it resolved to. */
  solutionArn?: string | undefined;
  /** The input the run was asked to read. */
  inputPath: string;
  /** What Personalize was told to read: the run's staged folder, or `inputPath` as given. */
  jobInputPath: string;
  outputPath: string;
  outputLocation: string;
  numResults?: number | undefined;
  filterArn?: string | undefined;
  polling: PollingPolicy;
  /** Share of error records (0 to 1) the output may hold and the run still succeed; absent: `DEFAULT_MAX_ERROR_RATE`. */
  maxErrorRate?: number | undefined;
  source?: Record<string, unknown> | undefined;
  /** Present when the run had to wait for a free Personalize job slot before its job started. */
  capacityWait?: { attempts: number; since: string; waitedSeconds: number } | undefined;
}

/** The state document between steps: `{ run, poll }`. */
export interface RunState {
  run: RunContext;
  poll: PollState;
}

export type RunOutcome = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
/** A record's status: the trigger's verdict until the run ends, then the run's outcome. */
export type RunStatus = RunOutcome | 'ACCEPTED' | 'REJECTED' | 'RUNNING' | 'WAITING_FOR_CAPACITY' | 'ABORTED';

/** An error as Step Functions' Catch hands it over (`ResultPath: $.error`). */
export interface CaughtError {
  Error: string;
  Cause?: string;
}

/** One row in the runs table: everything an operator needs to answer "what happened to my run?". */
export interface RunRecord {
  runId: string;
  executionArn: string;
  status: RunOutcome;
  /** `BATCH_INFERENCE` or `BATCH_SEGMENT`; set whenever the run got as far as resolving it. */
  jobType?: JobType | undefined;
  startedAt: string;
  completedAt: string;
  jobName?: string | undefined;
  jobArn?: string | undefined;
  jobStatus?: string | undefined;
  adoptedExistingJob?: boolean | undefined;
  jobCreatedAt?: string | undefined;
  jobGroup?: string | undefined;
  jobInputPath?: string | undefined;
  /** CreateBatchInferenceJob calls refused for capacity, and since when, if the run had to queue. */
  capacityAttempts?: number | undefined;
  queuedSince?: string | undefined;
  queuedSeconds?: number | undefined;
  failureReason?: string | undefined;
  errorType?: string | undefined;
  solutionVersionArn?: string | undefined;
  solutionArn?: string | undefined;
  inputPath?: string | undefined;
  outputPath?: string | undefined;
  outputLocation?: string | undefined;
  numResults?: number | undefined;
  filterArn?: string | undefined;
  pollCount?: number | undefined;
  elapsedSeconds?: number | undefined;
  /** What "Verify output" counted in the output of an `ACTIVE` job (see `OutputSummary`). */
  outputFiles?: number | undefined;
  records?: number | undefined;
  errorRecords?: number | undefined;
  emptyRecords?: number | undefined;
  firstErrors?: string[] | undefined;
  /** Records in the staged input copy, when the input was staged. */
  inputRecords?: number | undefined;
  /** The threshold the output was judged against. */
  maxErrorRate?: number | undefined;
  source?: Record<string, unknown> | undefined;
  /** Epoch seconds after which the runs table's TTL may delete the record. */
  expiresAt?: number | undefined;
  /** Written by the trigger: when it started the run, and how often the trigger was delivered (≥ 2: redelivered). */
  acceptedAt?: string | undefined;
  deliveries?: number | undefined;
}

/** The "Record run" state's payload: the execution, its input and the state the run ended in. */
export interface RecordRequest {
  execution: ExecutionRef;
  /** The execution input (`$$.Execution.Input`): says what was asked when no run context exists. */
  input?: unknown;
  /**
   * The state document at the point the run ended: `{ run, poll, next }` after the polling loop,
   * `{ queued, error }` or `{ run, poll, error }` when a Task's catcher caught `error`; `run` is
   * absent when the start step failed.
   */
  state: Partial<RunState> & {
    error?: CaughtError;
    queued?: unknown;
    inputPath?: unknown;
    source?: unknown;
    /** Set by "Verify output" for an `ACTIVE` job. */
    verification?: OutputVerification;
  };
}

/** Why an `ACTIVE` job's run is not SUCCEEDED, or undefined when its verified output passes. */
function outputProblem(state: RecordRequest['state']): { errorType: string; failureReason: string } | undefined {
  const verification = state.verification;
  if (!verification) {
    return { errorType: 'OutputNotVerified', failureReason: "The job is ACTIVE but the run's output was not verified" };
  }
  if (!verification.verified) return { errorType: 'OutputNotVerified', failureReason: verification.reason };
  const verdict = judgeOutput(verification, state.run?.maxErrorRate ?? DEFAULT_MAX_ERROR_RATE, verification.location);
  return verdict.ok ? undefined : { errorType: 'OutputRejected', failureReason: verdict.reason };
}

/**
 * How the run ended, decided from the state it ended in, so the state machine has one record step
 * for every ending: an error a Task's catcher caught is FAILED; a poll the guard stopped is
 * TIMED_OUT; a job Personalize reported `ACTIVE` is SUCCEEDED only when "Verify output" read its
 * output and it passed (`judgeOutput` with the run's `maxErrorRate`), FAILED otherwise; anything else
 * (`CREATE FAILED`, or a state that reached the record step unfinished) is FAILED.
 */
export function runOutcome(state: RecordRequest['state']): RunOutcome {
  if (state.error) return 'FAILED';
  if (state.poll?.timedOut) return 'TIMED_OUT';
  if (jobPhase(state.poll?.status ?? undefined) !== 'SUCCEEDED') return 'FAILED';
  return outputProblem(state) ? 'FAILED' : 'SUCCEEDED';
}

/** Builds the record for a finished run. Pure: the handler adds nothing but the clock. */
export function buildRunRecord(request: RecordRequest, completedAt: Date): RunRecord {
  const { execution, state } = request;
  const outcome = runOutcome(state);
  const run = state.run;
  const poll = state.poll;
  const record: RunRecord = {
    runId: execution.name,
    executionArn: execution.arn,
    status: outcome,
    startedAt: execution.startTime,
    completedAt: completedAt.toISOString(),
  };
  if (run) {
    Object.assign(record, {
      jobType: jobTypeOrDefault(run.jobType),
      jobName: run.jobName,
      jobArn: run.jobArn,
      adoptedExistingJob: run.adoptedExistingJob,
      jobCreatedAt: run.jobCreatedAt,
      jobGroup: run.jobGroup,
      solutionVersionArn: run.solutionVersionArn,
      solutionArn: run.solutionArn,
      inputPath: run.inputPath,
      jobInputPath: run.jobInputPath,
      capacityAttempts: run.capacityWait?.attempts,
      queuedSince: run.capacityWait?.since,
      queuedSeconds: run.capacityWait?.waitedSeconds,
      outputPath: run.outputPath,
      numResults: run.numResults,
      filterArn: run.filterArn,
      source: run.source,
    });
  } else {
    // The start step failed: keep what the caller asked for, so the record still says which input it was.
    const asked: Record<string, unknown> = isPlainObject(request.input) ? request.input : (state as Record<string, unknown>);
    if (typeof asked.inputPath === 'string') record.inputPath = asked.inputPath;
    if (isPlainObject(asked.source)) record.source = asked.source;
    // jobGroup keys the runs table's by-group index, which refuses an empty or over-long key (the
    // whole write would fail): a group name the input check rejected is left to the failure reason.
    if (typeof asked.jobGroup === 'string' && JOB_GROUP_NAME_PATTERN.test(asked.jobGroup)) record.jobGroup = asked.jobGroup;
    if ((JOB_TYPES as readonly unknown[]).includes(asked.jobType)) record.jobType = asked.jobType as JobType;
    // A run that gave up waiting for capacity says how long it queued.
    if (isPlainObject(state.queued) && typeof state.queued.attempts === 'number') {
      record.capacityAttempts = state.queued.attempts;
      if (typeof state.queued.since === 'string') {
        record.queuedSince = state.queued.since;
        record.queuedSeconds = secondsSince(state.queued.since, completedAt.getTime());
      }
    }
  }
  if (poll) {
    record.jobStatus = poll.status ?? undefined;
    record.pollCount = poll.count;
    record.elapsedSeconds = poll.elapsedSeconds;
  }
  if (state.verification?.verified) {
    const { outputFiles, records, errorRecords, emptyRecords, firstErrors, inputRecords } = state.verification;
    Object.assign(record, { outputFiles, records, errorRecords, emptyRecords, firstErrors, inputRecords });
  }
  if (state.verification && run) record.maxErrorRate = run.maxErrorRate ?? DEFAULT_MAX_ERROR_RATE;
  if (outcome === 'SUCCEEDED' && run) {
    record.outputLocation = run.outputLocation;
  }
  if (outcome === 'FAILED') {
    const problem = jobPhase(poll?.status ?? undefined) === 'SUCCEEDED' ? outputProblem(state) : undefined;
    if (state.error) {
      record.errorType = state.error.Error;
      record.failureReason = describeCaughtError(state.error);
    } else if (problem) {
      record.errorType = problem.errorType;
      record.failureReason = problem.failureReason;
    } else if (jobPhase(poll?.status ?? undefined) === 'FAILED') {
      record.errorType = jobTypeOrDefault(run?.jobType) === 'BATCH_SEGMENT' ? 'BatchSegmentJobFailed' : 'BatchInferenceJobFailed';
      record.failureReason = poll?.failureReason ?? 'Personalize reported CREATE FAILED without a reason';
    } else {
      // Not a path the state machine takes: its loop records only finished or timed-out polls.
      record.errorType = 'RunEndedUnfinished';
      record.failureReason = `The run was recorded while its job was ${poll?.status ?? 'not yet started'}`;
    }
  }
  if (outcome === 'TIMED_OUT') {
    record.errorType = 'RunTimedOut';
    record.failureReason =
      run && poll ? timeoutReason(run.polling, poll) : 'The run exceeded its maximum wait before the job finished';
  }
  return stripUndefined(record);
}

/**
 * A readable message from a caught error. Lambda errors arrive with `Cause` holding the function's
 * error JSON (`{"errorType","errorMessage","trace"}`); Step Functions' own errors carry plain text.
 */
export function describeCaughtError(error: CaughtError): string {
  const cause = error.Cause ?? '';
  try {
    const parsed: unknown = JSON.parse(cause);
    if (isPlainObject(parsed) && typeof parsed.errorMessage === 'string' && parsed.errorMessage.trim()) return parsed.errorMessage;
    if (isPlainObject(parsed) && typeof parsed.errorType === 'string') return `${parsed.errorType} (no message given)`;
  } catch {
    // Not JSON: a plain-text cause.
  }
  return cause.trim() || `${error.Error} (no cause given)`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
