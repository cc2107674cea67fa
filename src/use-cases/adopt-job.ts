import type { BatchJobDescription, BatchJobs } from './ports';
import { JobRejectedError } from '../domain/errors';
import type { JobSettings } from '../domain/job-settings';
import { JOB_ARN_RESOURCE_TYPES, JOB_TYPE_NOUNS, jobTypeOrDefault, type JobType } from '../domain/job-type';

/** The job a start adopted because its name was taken, as the run then reports it. */
export interface AdoptedJob {
  jobArn: string;
  jobCreatedAt: Date;
  settings: JobSettings;
}

/** Whose name the run's job carries: one the run's input gave (`jobName`), or one derived from the execution. */
export interface AdoptionContext {
  userChoseName: boolean;
  /** `$$.Execution.StartTime`, ISO 8601: no job created before it can be this execution's. */
  executionStartTime: string;
}

/**
 * Adopts the job already created under this run's job name, only when it is provably this
 * execution's own: created at or after the execution started, and with this run's request (every
 * member Describe echoes that the request set). That is the case of a retried start whose first
 * attempt created the job and lost the answer. Anything else is a job this run did not start (last
 * week's run with the same `jobName`, another request under the name), and is refused: no run ever
 * reports a job it did not start. The same proof holds for derived names, which are unique per
 * execution (see `jobNameForRun`) but are not trusted for that alone.
 *
 * @throws JobRejectedError (`ResourceAlreadyExistsException`) naming the job name, why the job is
 *   not this run's, and how to choose another name.
 */
export async function adoptExistingJob(jobs: BatchJobs, settings: JobSettings, context: AdoptionContext): Promise<AdoptedJob> {
  const jobType = jobTypeOrDefault(settings.jobType);
  const noun = JOB_TYPE_NOUNS[jobType];
  const existing = await jobs.describe(batchJobArn(jobType, settings.solutionVersionArn, settings.jobName));
  const createdAt = existing.createdAt;
  if (!createdAt || !createdSince(createdAt, context.executionStartTime)) {
    const when = createdAt ? `created at ${createdAt.toISOString()}` : 'whose creation time Personalize did not report';
    refuse(settings.jobName, `a ${noun} ${when}, before this run started at ${context.executionStartTime}`, context);
  }
  const mismatches = requestMismatches(existing, settings);
  if (mismatches.length > 0) refuse(settings.jobName, `a different ${noun} (${mismatches.join('; ')})`, context);
  return { jobArn: existing.jobArn, jobCreatedAt: createdAt, settings };
}

/**
 * True when a job created at `createdAt` may have been created by an execution that started at
 * `startTime`. Step Functions and Personalize keep time on synchronized clocks, and the first
 * CreateBatchInferenceJob of an execution comes a Lambda invocation, a configuration read and an S3
 * copy after its start, so no backward skew is allowed, with one exception the evidence forces: a
 * creation time given in whole seconds (as some APIs truncate it) is compared at that resolution,
 * so a job created within the execution's first second is still its own.
 */
export function createdSince(createdAt: Date, startTime: string): boolean {
  const start = Date.parse(startTime);
  if (Number.isNaN(start)) return false;
  const created = createdAt.getTime();
  const resolution = created % 1000 === 0 ? 1000 : 1;
  return created >= Math.floor(start / resolution) * resolution;
}

/**
 * Jobs live in the account and region of the solution version they use, so the ARN of a job we
 * named can be built without listing jobs: `…:batch-inference-job/<jobName>` or
 * `…:batch-segment-job/<jobName>` by job type (names are unique per job type, not across them).
 *
 * @throws JobRejectedError when `solutionVersionArn` is not a Personalize ARN.
 */
export function batchJobArn(jobType: JobType, solutionVersionArn: string, jobName: string): string {
  const [arn, partition, service, region, account] = solutionVersionArn.split(':');
  if (arn !== 'arn' || service !== 'personalize' || !partition || !region || !account) {
    throw new JobRejectedError(`Cannot derive the job ARN from solution version ARN ${solutionVersionArn}`);
  }
  return `arn:${partition}:personalize:${region}:${account}:${JOB_ARN_RESOURCE_TYPES[jobType]}/${jobName}`;
}

/** The ARN of the batch inference job named `jobName` (see `batchJobArn`). */
export function batchInferenceJobArn(solutionVersionArn: string, jobName: string): string {
  return batchJobArn('BATCH_INFERENCE', solutionVersionArn, jobName);
}

/**
 * Each member the run's request sets, as `<field> is <existing>, this run wants <ours>` when the
 * job differs. A member the request leaves unset must be unset on the job too, except those
 * Personalize fills with a default of its own (`numResults`; `batchInferenceJobMode`, whose default
 * is `BATCH_INFERENCE`).
 */
function requestMismatches(existing: BatchJobDescription, settings: JobSettings): string[] {
  const compared: Array<[string, unknown, unknown]> = [
    ['solutionVersionArn', existing.solutionVersionArn, settings.solutionVersionArn],
    ['inputPath', existing.inputPath, settings.inputPath],
    ['outputPath', existing.outputPath, settings.outputPath],
    ['roleArn', existing.roleArn, settings.roleArn],
    ['filterArn', existing.filterArn, settings.filterArn],
    ['inputKmsKeyArn', existing.inputKmsKeyArn, settings.inputKmsKeyArn],
    ['outputKmsKeyArn', existing.outputKmsKeyArn, settings.outputKmsKeyArn],
    ['batchInferenceJobMode', existing.batchInferenceJobMode ?? 'BATCH_INFERENCE', settings.batchInferenceJobMode ?? 'BATCH_INFERENCE'],
    ['batchInferenceJobConfig', existing.batchInferenceJobConfig, settings.batchInferenceJobConfig],
    ['themeGenerationConfig', existing.themeGenerationConfig, settings.themeGenerationConfig],
  ];
  if (settings.numResults !== undefined) compared.push(['numResults', existing.numResults, settings.numResults]);
  return compared
    .filter(([, actual, expected]) => canonical(actual) !== canonical(expected))
    .map(([field, actual, expected]) => `${field} is ${describe(actual)}, this run wants ${describe(expected)}`);
}

function refuse(jobName: string, what: string, context: AdoptionContext): never {
  const howToChoose = context.userChoseName
    ? 'omit jobName to get a name derived from the run (unique to each execution), or give this run another jobName'
    : 'this name was derived from the execution, so the job was not created by it; start the run again (a new execution derives a new name) or give it a jobName no job has';
  throw new JobRejectedError(
    `Job name ${jobName} is already used by ${what}; this run did not start that job and will not report it. ` +
      `Job names can never be reused: ${howToChoose}.`,
    'ResourceAlreadyExistsException',
  );
}

/** JSON with sorted keys, so two objects with the same members compare equal; empty objects count as unset. */
function canonical(value: unknown): string {
  if (value === undefined || value === null) return 'unset';
  if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) return 'unset';
  return JSON.stringify(value, (_key, member: unknown) =>
    member && typeof member === 'object' && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : member,
  );
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return 'unset';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
