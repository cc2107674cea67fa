import { startLocalEnvironment } from '../src/local/local-environment';
import { seededRandom, type FaultPlan } from '../src/local/faults';

/**
 * A fault plan that reaches every kind the local mode can inject, at rates a run survives: what
 * the retries (SDK, Step Functions, Lambda's async retries) are there to absorb, and a few faults
 * no retry absorbs (a job stuck pending, a job that vanishes) that must still end in one record.
 */
export function soakFaultPlan(seed: number): FaultPlan {
  return {
    seed,
    http: [
      { service: 'personalize', operation: 'DescribeBatchInferenceJob', error: 'ThrottlingException', probability: 0.15 },
      { service: 'personalize', operation: 'DescribeBatchInferenceJob', error: 'ServiceUnavailable', probability: 0.05 },
      { service: 'personalize', operation: 'CreateBatchInferenceJob', error: 'InternalFailure', probability: 0.1 },
      { service: 'personalize', operation: 'CreateBatchInferenceJob', error: 'LimitExceededException', probability: 0.1 },
      { service: 'dynamodb', operation: 'UpdateItem', error: 'ProvisionedThroughputExceededException', probability: 0.1 },
      { service: 'dynamodb', operation: 'PutItem', error: 'ThrottlingException', probability: 0.1 },
      { service: 's3', operation: 'CopyObject', error: 'SlowDown', probability: 0.1 },
      { service: 's3', operation: 'GetObject', error: 'InternalError', probability: 0.05 },
      { service: 's3', operation: 'ListObjectsV2', error: 'SlowDown', probability: 0.05 },
    ],
    jobs: [
      { fault: 'stuckPending', calls: [3] },
      { fault: 'disappears', calls: [7] },
    ],
    lambda: [
      { function: 'startJob', fault: 'crashAfterSideEffect', probability: 0.1 },
      { function: 'startJob', fault: 'error', error: 'Lambda.TooManyRequestsException', probability: 0.05 },
      { function: 'getJobStatus', fault: 'timeout', probability: 0.03 },
      { function: 'getJobStatus', fault: 'error', error: 'Lambda.ServiceException', probability: 0.05 },
      { function: 'recordRun', fault: 'crashAfterSideEffect', probability: 0.1 },
    ],
  };
}

export interface SoakReport {
  triggers: number;
  executions: number;
  /** How many runs started how many Personalize jobs, e.g. `{ "1": 19, "0": 1 }`. */
  jobsPerRun: Record<string, number>;
  /** How many triggers ended in how many final records, e.g. `{ "1": 20 }`. */
  recordsPerTrigger: Record<string, number>;
  /** Triggers with no final record. */
  lost: number;
  /** Triggers with more than one execution, run record or job. */
  duplicated: number;
  statuses: Record<string, number>;
  faultsInjected: Record<string, number>;
  realMs: number;
  virtualHours: number;
}

const FINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/**
 * Uploads `triggers` input files at once into a local environment with `plan`'s faults on, lets
 * every run end, and counts, per upload, the executions, jobs and final run records it produced.
 */
export async function runSoak(options: { triggers: number; seed: number; plan?: FaultPlan; slots?: number }): Promise<SoakReport> {
  const realStart = Date.now();
  const environment = await startLocalEnvironment({
    maxConcurrentJobs: options.slots ?? 5,
    jobDurations: { pendingMs: 60_000, inProgressMs: 600_000 },
    random: seededRandom(options.seed),
    faults: options.plan ?? soakFaultPlan(options.seed),
  });
  try {
    const t0 = environment.clock.now();
    const keys = Array.from({ length: options.triggers }, (_, index) => `${environment.inputPrefix}soak/batch-${index}.jsonl`);
    await Promise.all(keys.map((key, index) => environment.upload(key, `{"userId":"user-${index}"}\n`)));
    await environment.triggersSettled().catch(() => undefined);
    await environment.stepFunctions.idle();
    await environment.closedExecutionsSettled();

    const executions = environment.stepFunctions.executions();
    const jobs = environment.personalize.jobs();
    const jobsPerRun: Record<string, number> = {};
    const recordsPerTrigger: Record<string, number> = {};
    const statuses: Record<string, number> = {};
    let lost = 0;
    let duplicated = 0;
    for (const key of keys) {
      const runs = executions.filter((execution) => (JSON.parse(execution.input) as { inputPath?: string }).inputPath === `s3://${environment.bucket}/${key}`);
      const records = (await Promise.all(runs.map((run) => environment.getRunRecord(run.name)))).filter((record) => record && FINAL.has(record.status));
      for (const record of records) statuses[record?.status ?? ''] = (statuses[record?.status ?? ''] ?? 0) + 1;
      const runJobs = runs.map((run) => jobs.filter((job) => jobBelongsTo(job.jobName, run.name)).length);
      for (const count of runJobs) jobsPerRun[count] = (jobsPerRun[count] ?? 0) + 1;
      recordsPerTrigger[records.length] = (recordsPerTrigger[records.length] ?? 0) + 1;
      if (records.length === 0) lost += 1;
      if (runs.length > 1 || records.length > 1 || runJobs.some((count) => count > 1)) duplicated += 1;
    }
    return {
      triggers: keys.length,
      executions: executions.length,
      jobsPerRun,
      recordsPerTrigger,
      lost,
      duplicated,
      statuses,
      faultsInjected: environment.faultsInjected(),
      realMs: Date.now() - realStart,
      virtualHours: (environment.clock.now() - t0) / 3_600_000,
    };
  } finally {
    await environment.close();
  }
}

/** Job names are the run id (cut to fit) and a hash: `<runId>-<hash>`. */
function jobBelongsTo(jobName: string, runId: string): boolean {
  const stem = jobName.slice(0, jobName.lastIndexOf('-'));
  return stem === runId || (stem.length >= 40 && runId.startsWith(stem));
}
