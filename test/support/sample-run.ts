import type { S3Event } from 'aws-lambda';
import type { BucketLayout } from '../../src/domain/bucket-layout';
import { jobNameForRun } from '../../src/domain/naming';
import { DEFAULT_POLLING_POLICY, type PollingPolicy, type PollState } from '../../src/domain/polling-policy';
import type { ExecutionRef, RunContext, RunRecord, RunState } from '../../src/domain/run';
import type { JobSettings } from '../../src/domain/job-settings';
import type { VerifiedOutput } from '../../src/domain/output-verification';
import type {
  Acceptance,
  BatchJobDescription,
  BatchJobs,
  ConfigFiles,
  CreateJobResult,
  Executions,
  InputStaging,
  RunLedger,
  RunsStore,
  StartResult,
} from '../../src/use-cases/ports';

/** Shared sample values: the shapes real ARNs and URIs take, in one account and region. */
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const SOLUTION_VERSION_ARN = `arn:aws:personalize:${REGION}:${ACCOUNT}:solution/user-personalization/5c1a0e2f`;
export const OTHER_SOLUTION_VERSION_ARN = `arn:aws:personalize:${REGION}:${ACCOUNT}:solution/user-personalization/9d8e7f6a`;
export const FILTER_ARN = `arn:aws:personalize:${REGION}:${ACCOUNT}:filter/exclude-purchased`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/PersonalizeBatchInferenceRole`;
export const KMS_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:personalize-batch-dev`;
export const DATA_BUCKET = 'personalize-batch-dev-data';
export const INPUT_PATH = `s3://${DATA_BUCKET}/input/users.jsonl`;
export const OUTPUT_BASE_URI = `s3://${DATA_BUCKET}/output/`;
/** The data bucket as the stage lays it out (the serverless.yml defaults). */
/** A run input that names every member the execution input takes, each with a valid value. */
export const FULL_RUN_INPUT = {
  inputPath: INPUT_PATH,
  outputPath: 's3://personalize-batch-dev-data/output/manual/',
  solutionVersionArn: SOLUTION_VERSION_ARN,
  roleArn: ROLE_ARN,
  jobName: 'weekly-users_2026-01-15',
  numResults: 50,
  filterArn: FILTER_ARN,
  batchInferenceJobConfig: { itemExplorationConfig: { explorationWeight: '0.3', explorationItemAgeCutOff: '30' } },
  batchInferenceJobMode: 'THEME_GENERATION',
  themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'TITLE' } },
  inputKmsKeyArn: KMS_KEY_ARN,
  outputKmsKeyArn: KMS_KEY_ARN,
  tags: [
    { tagKey: 'team', tagValue: 'recs' },
    { tagKey: 'empty-value', tagValue: '' },
  ],
  maxWaitSeconds: 7200,
  maxPolls: 100,
  maxErrorRate: 0.05,
  source: { type: 'manual', requestedBy: 'jane@example.com' },
};

export const LAYOUT: Readonly<BucketLayout> = Object.freeze({
  bucket: DATA_BUCKET,
  inputPrefix: 'input/',
  configPrefix: 'config/',
  stagingPrefix: 'staging/',
});

/** The folder a run's staged input copy lives in, which is what Personalize is told to read. */
export function stagedFolder(runId: string): string {
  return `s3://${DATA_BUCKET}/staging/${runId}/`;
}

export function executionRef(name = 'run-2026-01-15-users'): ExecutionRef {
  return {
    arn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:personalize-batch-dev:${name}`,
    name,
    startTime: '2026-01-15T10:00:00.000Z',
  };
}

/** The job name a start derives for `executionRef(runId)`: the run id plus a hash of the execution. */
export function derivedJobName(runId = 'run-2026-01-15-users'): string {
  const execution = executionRef(runId);
  return jobNameForRun(runId, execution.arn, execution.startTime);
}

export function jobArnFor(jobName: string): string {
  return `arn:aws:personalize:${REGION}:${ACCOUNT}:batch-inference-job/${jobName}`;
}

export function runContext(overrides: Partial<RunContext> = {}): RunContext {
  const runId = overrides.runId ?? 'run-2026-01-15-users';
  return {
    runId,
    executionArn: executionRef(runId).arn,
    executionStartTime: '2026-01-15T10:00:00.000Z',
    jobName: runId,
    jobArn: jobArnFor(runId),
    adoptedExistingJob: false,
    jobCreatedAt: '2026-01-15T10:00:01.000Z',
    solutionVersionArn: SOLUTION_VERSION_ARN,
    inputPath: INPUT_PATH,
    jobInputPath: stagedFolder(runId),
    outputPath: `${OUTPUT_BASE_URI}${runId}/`,
    outputLocation: `${OUTPUT_BASE_URI}${runId}/users.jsonl.out`,
    numResults: 25,
    polling: { ...DEFAULT_POLLING_POLICY },
    ...overrides,
  };
}

/** What "Verify output" returns for a clean output of three records from a staged input of three. */
export function verifiedOutput(overrides: Partial<VerifiedOutput> = {}): VerifiedOutput {
  return {
    verified: true,
    location: `${OUTPUT_BASE_URI}run-2026-01-15-users/users.jsonl.out`,
    outputFiles: 1,
    records: 3,
    errorRecords: 0,
    emptyRecords: 0,
    firstErrors: [],
    inputRecords: 3,
    ...overrides,
  };
}

export function pollState(overrides: Partial<PollState> = {}): PollState {
  return {
    count: 0,
    status: null,
    terminal: false,
    timedOut: false,
    failureReason: null,
    waitSeconds: 60,
    elapsedSeconds: 0,
    ...overrides,
  };
}

export function runState(run: Partial<RunContext> = {}, poll: Partial<PollState> = {}): RunState {
  return { run: runContext(run), poll: pollState(poll) };
}

export function policy(overrides: Partial<PollingPolicy> = {}): PollingPolicy {
  return { ...DEFAULT_POLLING_POLICY, ...overrides };
}

/** Fixtures are shared JSON modules: hand each test its own copy. */
export function s3Event(fixture: unknown): S3Event {
  return structuredClone(fixture) as S3Event;
}

/** A `BatchJobs` port backed by a map of jobs, recording what it was asked. */
export class FakeBatchJobs implements BatchJobs {
  readonly created: JobSettings[] = [];
  readonly described: string[] = [];
  readonly jobs = new Map<string, BatchJobDescription>();
  createResult: CreateJobResult | Error | undefined;

  async create(settings: JobSettings): Promise<CreateJobResult> {
    this.created.push(settings);
    if (this.createResult instanceof Error) throw this.createResult;
    if (this.createResult) return this.createResult;
    const jobArn = jobArnFor(settings.jobName);
    if (this.jobs.has(jobArn)) return { created: false, reason: 'NAME_IN_USE' };
    this.jobs.set(jobArn, {
      jobArn,
      jobName: settings.jobName,
      status: 'CREATE PENDING',
      solutionVersionArn: settings.solutionVersionArn,
      inputPath: settings.inputPath,
      outputPath: settings.outputPath,
      createdAt: new Date('2026-01-15T10:00:01.000Z'),
      // Describe echoes the rest of the request, as Personalize does.
      roleArn: settings.roleArn,
      numResults: settings.numResults,
      filterArn: settings.filterArn,
      inputKmsKeyArn: settings.inputKmsKeyArn,
      outputKmsKeyArn: settings.outputKmsKeyArn,
      batchInferenceJobMode: settings.batchInferenceJobMode ?? 'BATCH_INFERENCE',
      batchInferenceJobConfig: settings.batchInferenceJobConfig,
      themeGenerationConfig: settings.themeGenerationConfig,
    });
    return { created: true, jobArn };
  }

  async describe(jobArn: string): Promise<BatchJobDescription> {
    this.described.push(jobArn);
    const job = this.jobs.get(jobArn);
    if (!job) throw new Error(`FakeBatchJobs: no job ${jobArn}`);
    return job;
  }
}

/** An `Executions` port that remembers names, like Step Functions does. */
export class FakeExecutions implements Executions {
  readonly requests: Array<{ name: string; input: unknown }> = [];
  readonly existing = new Set<string>();
  failWith: Error | undefined;
  /**
   * true: the executions are still running, and Step Functions answers a repeated name and input
   * with the original response. false: they have closed, and a repeat gets ExecutionAlreadyExists.
   */
  stillRunning = false;

  async start(request: { name: string; input: unknown }): Promise<StartResult> {
    this.requests.push(request);
    if (this.failWith) throw this.failWith;
    if (this.existing.has(request.name) && this.stillRunning) {
      return { started: true, executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${request.name}`, startDate: new Date(0) };
    }
    if (this.existing.has(request.name)) {
      return { started: false, reason: 'ALREADY_EXISTS', message: `Execution Already Exists: '${request.name}'` };
    }
    this.existing.add(request.name);
    return { started: true, executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${request.name}`, startDate: new Date(0) };
  }
}

export class FakeRunsStore implements RunsStore {
  readonly records = new Map<string, RunRecord>();

  async put(record: RunRecord): Promise<void> {
    this.records.set(record.runId, record);
  }

  async get(runId: string): Promise<RunRecord | undefined> {
    return this.records.get(runId);
  }
}

/**
 * The trigger's ledger, remembering every entry in the order it was written. Like the runs table,
 * it counts the accepted deliveries of each run, so a repeated StartExecution (which Step Functions
 * answers with the original response while the execution runs) shows up as a second delivery.
 */
export class FakeRunLedger implements RunLedger {
  readonly deliveries = new Map<string, number>();
  readonly entries: Array<
    | { kind: 'accepted'; entry: Parameters<RunLedger['accepted']>[0] }
    | { kind: 'rejected'; entry: Parameters<RunLedger['rejected']>[0] }
    | { kind: 'duplicate'; entry: Parameters<RunLedger['duplicate']>[0] }
  > = [];

  /** Runs some delivery accepted; `duplicate` counts a delivery without accepting. */
  readonly acceptedRuns = new Set<string>();

  async accepted(entry: Parameters<RunLedger['accepted']>[0]): Promise<Acceptance> {
    this.entries.push({ kind: 'accepted', entry });
    const deliveries = (this.deliveries.get(entry.runId) ?? 0) + 1;
    this.deliveries.set(entry.runId, deliveries);
    const first = !this.acceptedRuns.has(entry.runId);
    this.acceptedRuns.add(entry.runId);
    return { first, deliveries };
  }

  async rejected(entry: Parameters<RunLedger['rejected']>[0]): Promise<void> {
    this.entries.push({ kind: 'rejected', entry });
  }

  async duplicate(entry: Parameters<RunLedger['duplicate']>[0]): Promise<void> {
    this.entries.push({ kind: 'duplicate', entry });
    this.deliveries.set(entry.runId, (this.deliveries.get(entry.runId) ?? 0) + 1);
  }

  kinds(): string[] {
    return this.entries.map((item) => item.kind);
  }
}

type CopyRequest = Parameters<InputStaging['copy']>;

/** The data bucket as the start step sees it: configuration files to read, inputs to copy. */
export class FakeDataBucket implements ConfigFiles, InputStaging {
  /** `bucket/key` → file text. */
  readonly files = new Map<string, string>();
  readonly reads: string[] = [];
  readonly copies: Array<{ source: CopyRequest[0]; destination: CopyRequest[1] }> = [];

  withFile(key: string, content: unknown, bucket = DATA_BUCKET): this {
    this.files.set(`${bucket}/${key}`, typeof content === 'string' ? content : JSON.stringify(content));
    return this;
  }

  async read(bucket: string, key: string): Promise<string | undefined> {
    this.reads.push(`${bucket}/${key}`);
    return this.files.get(`${bucket}/${key}`);
  }

  async copy(source: CopyRequest[0], destination: CopyRequest[1]): Promise<void> {
    this.copies.push({ source, destination });
  }

  /** Written documents land in `files`, where `read` finds them. */
  readonly writes: string[] = [];

  async write(destination: { bucket: string; key: string }, text: string): Promise<void> {
    this.writes.push(`${destination.bucket}/${destination.key}`);
    this.files.set(`${destination.bucket}/${destination.key}`, text);
  }
}

/** The object described by test/fixtures/s3-put-event.json, with its key decoded. */
export const PUT_FIXTURE_OBJECT = {
  bucket: 'personalize-batch-dev-data',
  key: 'input/users 2026-01-15.jsonl',
  size: 1024,
  eTag: 'd41d8cd98f00b204e9800998ecf8427e',
  versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko',
  sequencer: '0055AED6DCD90281E5',
  eventTime: '2026-01-15T10:21:33.417Z',
} as const;

/** The execution input the trigger builds for that upload. */
export const PUT_FIXTURE_RUN_INPUT = {
  inputPath: `s3://${PUT_FIXTURE_OBJECT.bucket}/${PUT_FIXTURE_OBJECT.key}`,
  source: { type: 's3', ...PUT_FIXTURE_OBJECT },
};
