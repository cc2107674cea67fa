import type { S3Event } from 'aws-lambda';
import type { BatchJobDescription, BatchJobs, CreateJobResult } from '../../../src/adapters/personalize-jobs';
import type { Executions, StartResult } from '../../../src/adapters/executions';
import type { RunsStore } from '../../../src/adapters/runs-table';
import { DEFAULT_POLLING_POLICY, type PollingPolicy, type PollState } from '../../../src/domain/polling-policy';
import type { ExecutionRef, RunContext, RunRecord, RunState } from '../../../src/domain/run';
import type { JobSettings } from '../../../src/domain/run-input';

/** Shared sample values: the shapes real ARNs and URIs take, in one account and region. */
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const SOLUTION_VERSION_ARN = `arn:aws:personalize:${REGION}:${ACCOUNT}:solution/user-personalization/5c1a0e2f`;
export const OTHER_SOLUTION_VERSION_ARN = `arn:aws:personalize:${REGION}:${ACCOUNT}:solution/user-personalization/9d8e7f6a`;
export const FILTER_ARN = `arn:aws:personalize:${REGION}:${ACCOUNT}:filter/exclude-purchased`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/PersonalizeBatchInferenceRole`;
export const KMS_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:personalize-batch-dev`;
export const INPUT_PATH = 's3://personalize-batch-dev-data/input/users.jsonl';
export const OUTPUT_BASE_URI = 's3://personalize-batch-dev-data/output/';

export function executionRef(name = 'run-2026-01-15-users'): ExecutionRef {
  return {
    arn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:personalize-batch-dev:${name}`,
    name,
    startTime: '2026-01-15T10:00:00.000Z',
  };
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
    outputPath: `${OUTPUT_BASE_URI}${runId}/`,
    outputLocation: `${OUTPUT_BASE_URI}${runId}/users.jsonl.out`,
    numResults: 25,
    polling: { ...DEFAULT_POLLING_POLICY },
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

  async start(request: { name: string; input: unknown }): Promise<StartResult> {
    this.requests.push(request);
    if (this.failWith) throw this.failWith;
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
