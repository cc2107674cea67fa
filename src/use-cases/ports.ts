/**
 * The ports the use cases depend on: each says what a use case needs from the outside world, in
 * the use case's words. Adapters in `src/adapters` implement them; nothing here imports an adapter
 * or an AWS package, so dependencies point one way (handlers → use cases → ports ← adapters).
 */
import type { ClosingRecord } from '../domain/closed-execution';
import type { OutputTally } from '../domain/output-verification';
import type { RunRecord } from '../domain/run';
import type { RunEvent, StoredRunRecord } from '../domain/run-event';
import type { JobSettings } from '../domain/job-settings';
import type { FinishedRunSample } from '../domain/expected-duration';
import type { SolutionVersionSummary } from '../domain/solution-choice';
import type { JobType } from '../domain/job-type';

// Amazon Personalize batch jobs (start-job, get-job-status).

export interface BatchJobDescription {
  jobArn: string;
  jobName: string;
  status: string | undefined;
  failureReason?: string | undefined;
  solutionVersionArn?: string | undefined;
  inputPath?: string | undefined;
  outputPath?: string | undefined;
  createdAt?: Date | undefined;
  /** The rest of the request Describe echoes, compared before a run adopts a job of its name. */
  roleArn?: string | undefined;
  numResults?: number | undefined;
  filterArn?: string | undefined;
  inputKmsKeyArn?: string | undefined;
  outputKmsKeyArn?: string | undefined;
  batchInferenceJobMode?: string | undefined;
  batchInferenceJobConfig?: unknown;
  themeGenerationConfig?: unknown;
}

export type CreateJobResult = { created: true; jobArn: string } | { created: false; reason: 'NAME_IN_USE' };

/**
 * Creates and describes batch jobs of either job type; used by start-job and get-job-status.
 * `create` starts the kind `settings.jobType` names (absent: a batch inference job); `describe`
 * reads the kind the ARN's resource type names (`batch-inference-job/…`, `batch-segment-job/…`).
 */
export interface BatchJobs {
  create(settings: JobSettings): Promise<CreateJobResult>;
  describe(jobArn: string): Promise<BatchJobDescription>;
}

/** Lists a solution's versions; used by start-job to resolve a run's `solutionArn`. */
export interface SolutionVersions {
  /**
   * Every version of the solution, in no particular order (Personalize documents none).
   *
   * @throws InvalidRunInputError when Personalize has no such solution or refuses the ARN.
   */
  list(solutionArn: string): Promise<SolutionVersionSummary[]>;
}

// Step Functions executions (trigger).

export type StartResult =
  | { started: true; executionArn: string; startDate: Date }
  | { started: false; reason: 'ALREADY_EXISTS'; message: string };

/** Starts executions of the state machine; used by the trigger. */
export interface Executions {
  start(request: { name: string; input: unknown }): Promise<StartResult>;
}

// The data bucket (trigger, start-job).

/** Checks that a key exists; only consulted when the event's key encoding is ambiguous. */
export interface ObjectExistence {
  exists(bucket: string, key: string): Promise<boolean>;
}

/** Reads a job group's configuration file; undefined when there is none. */
export interface ConfigFiles {
  read(bucket: string, key: string): Promise<string | undefined>;
}

/** Copies an input file to the run's private staging folder, and keeps what a queued run resolved beside it. */
export interface InputStaging {
  copy(source: { bucket: string; key: string; versionId?: string | undefined }, destination: { bucket: string; key: string }): Promise<void>;
  write(destination: { bucket: string; key: string }, text: string): Promise<void>;
}

/**
 * Marks a run's record while it is under way, so an operator sees `RUNNING` (with the job) or
 * `WAITING_FOR_CAPACITY` before the run ends. Never overwrites a finished run's status.
 */
export interface RunProgress {
  /**
   * `jobGroup` and `startedAt` (the execution's start, ISO 8601) are on the record while the run is
   * under way, so a run in flight is listed with its group and the start its final record will say.
   */
  jobStarted(entry: {
    runId: string;
    jobArn: string;
    jobName: string;
    jobCreatedAt: string;
    jobType?: JobType | undefined;
    jobGroup?: string | undefined;
    startedAt?: string | undefined;
  }): Promise<void>;
  waitingForCapacity(entry: { runId: string; attempts: number; since: string; jobGroup?: string | undefined; startedAt?: string | undefined }): Promise<void>;
}

// The runs table (every step).

/**
 * A job group's most recent finished runs, newest first, at most `limit` of them; start-job reads
 * them once to place the job's status checks (see `expectedDurationFrom`).
 * @throws the storage error; the caller falls back to the cold policy.
 */
export interface RunHistory {
  recentFinishedRuns(jobGroup: string, limit: number): Promise<FinishedRunSample[]>;
}

/** Writes and reads a run's record; used by record-run. */
export interface RunsStore {
  put(record: RunRecord): Promise<void>;
  get(runId: string): Promise<RunRecord | undefined>;
}

/**
 * The trigger's side of the runs table: a record as soon as a trigger is accepted or rejected, so
 * "what happened to my upload?" has an answer before the run ends (and if it never starts).
 */
/** What recording one accepted delivery found: whether it was the run's acceptance, and the count so far. */
export interface Acceptance {
  /**
   * true for exactly one delivery of a run: the first whose StartExecution succeeded to record it.
   * Deliveries that found the execution closed (`duplicate`) never accept it, so a redelivery that
   * records itself before the starting delivery does cannot take the start from it.
   */
  first: boolean;
  /** Deliveries of this trigger so far, this one included (accepted and duplicate alike). */
  deliveries: number;
}

export interface RunLedger {
  /**
   * Records a delivery of a trigger whose execution is running (or was just started): marks the
   * run accepted unless it already is, and counts the delivery. StartExecution answers a repeat of
   * a running execution's name and input with the original response, so the acceptance is what
   * tells the delivery that started the run from its duplicates.
   */
  accepted(entry: { runId: string; executionArn: string; inputPath: string; source: Record<string, unknown>; at: string }): Promise<Acceptance>;
  rejected(entry: { runId: string; reason: string; source: Record<string, unknown>; at: string }): Promise<void>;
  /** Records a delivery that found the execution closed (ExecutionAlreadyExists). */
  duplicate(entry: { runId: string; at: string }): Promise<void>;
}

/** A run's record as a closing write left it: any status, including ABORTED. */
export type ClosedRunRecord = Omit<Partial<RunRecord>, 'status'> & { status?: string };

/**
 * Writes a closing record unless the run already recorded its outcome. Returns the record as
 * written (what the run had reached, for its metrics), or undefined when it wrote nothing.
 */
export interface OpenRunCloser {
  closeIfOpen(record: ClosingRecord): Promise<ClosedRunRecord | undefined>;
}

/** Reads a run's record back, strongly consistent, as the last write left it (record-closed-execution). */
export interface RunRecordReader {
  get(runId: string): Promise<StoredRunRecord | undefined>;
}

// Telling people a run ended (record-closed-execution).

/**
 * Publishes a final run's event somewhere people and systems listen (EventBridge, SNS).
 * @throws when the destination did not accept it (including a per-entry failure), so the caller's
 *   retries can publish it again.
 */
export interface RunEventPublisher {
  publish(event: RunEvent): Promise<void>;
}

// A finished job's output (verify-output).

/** Streams every output file of a job into a tally; throws the storage error when it cannot read them. */
export interface JobOutputs {
  tallyOutputs(location: { bucket: string; prefix: string }, tally: OutputTally): Promise<void>;
}

/** Counts the records (non-blank lines) of every file under a prefix, streamed; throws the storage error. */
export interface InputRecords {
  countRecords(location: { bucket: string; prefix: string }): Promise<number>;
}

// Personalize job slots and the queue for them (start-job, wait-for-job-slot, sweep, record-closed-execution).

/** A run holding one of the stack's job slots. */
export interface SlotHolder {
  runId: string;
  executionArn: string;
  /** The job the run creates (or created) in the slot: matched against ListBatchInferenceJobs. */
  jobName: string;
  /** ISO 8601 time the slot was taken. */
  since: string;
}

/** A run waiting for a slot, with the task token that wakes it. */
export interface SlotWaiter {
  runId: string;
  executionArn: string;
  jobName: string;
  /** 0–9, higher first. */
  priority: number;
  /** ISO 8601 time the run first queued. */
  since: string;
  /** Its place in the queue (`waiterSortKey`): ascending order is service order. */
  sortKey: string;
  /**
   * After Personalize refused this run a slot we thought free: how many jobs of its type
   * Personalize listed as using the quota then (≥ 1). The run is served again only once fewer are
   * listed, so a quota below the stage's count does not turn every sweep into another refusal.
   */
  activeAtRefusal?: number | undefined;
  /** The Step Functions task token of its "Wait for a job slot" Task. */
  taskToken: string;
}

/** Outcome of a conditional attempt to take a slot. */
export type SlotTake = 'TAKEN' | 'ALREADY_HELD' | 'FULL';

/**
 * The job slots and the queue, kept with conditional writes so no two runs take the last slot.
 * Every operation is idempotent (a retried step repeats it safely).
 */
export interface JobSlots {
  holders(): Promise<SlotHolder[]>;
  /** Takes a slot for `holder` unless it holds one already or `limit` (≥ 0) slots are held. */
  take(holder: SlotHolder, limit: number): Promise<SlotTake>;
  /** Gives up the run's slot; true when it held one. */
  release(runId: string): Promise<boolean>;
  /** Puts the run in the queue (or refreshes its task token at the same place). */
  enqueue(waiter: SlotWaiter): Promise<void>;
  /** The queue in service order. */
  waiters(): Promise<SlotWaiter[]>;
  /** Takes the run out of the queue; with `taskToken`, only if that is still its token. True when removed. */
  dequeue(waiter: Pick<SlotWaiter, 'sortKey'> & { taskToken?: string }): Promise<boolean>;
}

/** Names of the batch inference jobs Personalize is running in this region (CREATE PENDING or CREATE IN_PROGRESS), anyone's. */
export interface ActiveJobs {
  activeJobNames(): Promise<string[]>;
}

/**
 * Completes or probes a waiting Task by its token (SendTaskSuccess, SendTaskHeartbeat).
 * Each returns false when the Task is gone (its execution closed, it timed out, or the token is
 * unknown): the waiter is dead.
 */
export interface WaitingTasks {
  succeed(taskToken: string, output: unknown): Promise<boolean>;
  heartbeat(taskToken: string): Promise<boolean>;
}

/** Whether an execution is still running (DescribeExecution), for the sweep of held slots. */
export interface ExecutionStatuses {
  isRunning(executionArn: string): Promise<boolean>;
}

// Waiting for a job's output (wait-for-job-output, job-output-created).

/** A run waiting for its job's output, with the task token of its "Wait for job output" Task. */
export interface OutputWait {
  /** The output folder's key (ending in `/`): where the run's `.out` objects appear. */
  folderKey: string;
  /** The one `.out` key that wakes the run (a file input); absent: any `.out` in the folder. */
  fileKey?: string | undefined;
  runId: string;
  executionArn: string;
  /** The run's `outputLocation`, as its record says. */
  outputLocation: string;
  taskToken: string;
}

/**
 * The runs waiting for their output, by output folder. `register` overwrites the run's earlier
 * registration (one per run and folder), so a wait whose Task timed out leaves nothing behind once
 * the next one registers; what is never overwritten expires by TTL.
 */
export interface OutputWaits {
  /** Registers (or re-registers) the wait until `expiresAtSeconds` (epoch seconds, the TTL). */
  register(wait: OutputWait, expiresAtSeconds: number): Promise<void>;
  /** The waits registered for this output folder (expired ones included until the TTL removes them). */
  waitingIn(folderKey: string): Promise<OutputWait[]>;
  /** Removes the wait if it still has this token; true when removed. */
  remove(wait: Pick<OutputWait, 'folderKey' | 'runId' | 'taskToken'>): Promise<boolean>;
}

/** Finds output a job already wrote: the wait's `.out` key if it exists (a file), or one `.out` in its folder. */
export interface OutputObjects {
  /** @throws the S3 error when the bucket cannot be listed. */
  findOutput(target: { bucket: string; folderKey: string; fileKey?: string | undefined }): Promise<string | undefined>;
}
