import type { BatchJobDescription, BatchJobs } from '../adapters/personalize-jobs';
import { configKey, DEFAULT_JOB_GROUP, jobGroupForInput, stagedInput, type BucketLayout, type StagingPlan } from '../domain/bucket-layout';
import { DEFAULT_CAPACITY_POLICY, onCapacityRefused, type CapacityState } from '../domain/capacity-policy';
import { CapacityWaitExceededError, InvalidRunInputError, JobRejectedError, PersonalizeBusyError } from '../domain/errors';
import { jobNameForRun } from '../domain/naming';
import { initialPollState } from '../domain/polling-policy';
import type { ExecutionRef, RunState } from '../domain/run';
import {
  mergeRunInput,
  outputLocation,
  parseJobGroupConfig,
  parseRunInputFields,
  resolveJobSettings,
  type JobGroupConfig,
  type JobSettings,
  type RunDefaults,
  type RunInput,
} from '../domain/run-input';

/** Reads a job group's configuration file; undefined when there is none. */
export interface ConfigFiles {
  read(bucket: string, key: string): Promise<string | undefined>;
}

/** Copies an input file to the run's private staging folder. */
export interface InputStaging {
  copy(source: { bucket: string; key: string; versionId?: string | undefined }, destination: { bucket: string; key: string }): Promise<void>;
}

/**
 * Marks a run's record while it is under way, so an operator sees `RUNNING` (with the job) or
 * `WAITING_FOR_CAPACITY` before the run ends. Never overwrites a finished run's status.
 */
export interface RunProgress {
  jobStarted(entry: { runId: string; jobArn: string; jobName: string; jobCreatedAt: string }): Promise<void>;
  waitingForCapacity(entry: { runId: string; attempts: number; since: string }): Promise<void>;
}

export interface StartRunDependencies {
  jobs: BatchJobs;
  progress?: RunProgress;
  defaults: RunDefaults;
  layout: BucketLayout;
  configs: ConfigFiles;
  staging: InputStaging;
  now: () => number;
  random?: () => number;
}

export interface StartRunRequest {
  /** The execution input, as the trigger or the console user gave it. */
  input: unknown;
  execution: ExecutionRef;
  /** The state the previous attempt left, when this run is waiting for Personalize capacity. */
  previous?: unknown;
}

/** Either the job started and the polling loop begins, or the run waits for a free job slot. */
export type StartRunResult = RunState | { capacity: CapacityState };

/**
 * Starts the Personalize job for one run.
 *
 * Primary course: validate the input, merge it over its job group's configuration file and the
 * stage defaults, stage the input file in a folder of its own, create the job under a name derived
 * from the run id, and hand the polling loop its first wait.
 * Alternate courses:
 * - The name is taken. Job names are single-use and deterministic per run, so this is a retry of
 *   this same run (a Lambda retry, a redrive): adopt the job if it matches this run's request,
 *   refuse clearly if it does not.
 * - Personalize is at its concurrent-job quota: return a capacity state; the state machine waits
 *   and calls again, until `maxQueueSeconds` runs out.
 */
export async function startRun(request: StartRunRequest, deps: StartRunDependencies): Promise<StartRunResult> {
  const runId = request.execution.name;
  const input = await resolveRunInput(request.input, deps);
  const settings = resolveJobSettings(input, deps.defaults, runId, jobNameForRun(runId));
  const previousCapacity = capacityOf(request.previous);

  const staging = stagedInput(settings.inputPath, runId, deps.layout, sourceVersionId(input, settings.inputPath));
  const jobInputPath = staging?.jobInputPath ?? settings.inputPath;
  if (staging && !previousCapacity) await stageInput(staging, settings.inputPath, deps.staging);
  const jobSettings: JobSettings = { ...settings, inputPath: jobInputPath };

  let created;
  try {
    created = await deps.jobs.create(jobSettings);
  } catch (error) {
    if (!(error instanceof PersonalizeBusyError)) throw error;
    const capacityPolicy = { ...DEFAULT_CAPACITY_POLICY, ...(input.maxQueueSeconds !== undefined && { maxQueueSeconds: input.maxQueueSeconds }) };
    const decision = onCapacityRefused(capacityPolicy, previousCapacity, error.message, deps.now(), deps.random ?? Math.random);
    if ('giveUp' in decision) throw new CapacityWaitExceededError(decision.giveUp);
    await deps.progress?.waitingForCapacity({ runId, attempts: decision.wait.attempts, since: decision.wait.since });
    return { capacity: decision.wait };
  }

  let jobArn: string;
  let jobCreatedAt: Date;
  let adoptedExistingJob = false;
  if (created.created) {
    jobArn = created.jobArn;
    jobCreatedAt = new Date(deps.now());
  } else {
    const existing = await deps.jobs.describe(batchInferenceJobArn(jobSettings.solutionVersionArn, jobSettings.jobName));
    assertSameJob(existing, jobSettings);
    jobArn = existing.jobArn;
    jobCreatedAt = existing.createdAt ?? new Date(deps.now());
    adoptedExistingJob = true;
  }

  await deps.progress?.jobStarted({ runId, jobArn, jobName: jobSettings.jobName, jobCreatedAt: jobCreatedAt.toISOString() });

  return {
    run: {
      runId,
      executionArn: request.execution.arn,
      executionStartTime: request.execution.startTime,
      jobName: jobSettings.jobName,
      jobArn,
      adoptedExistingJob,
      jobCreatedAt: jobCreatedAt.toISOString(),
      jobGroup: input.jobGroup,
      solutionVersionArn: jobSettings.solutionVersionArn,
      inputPath: settings.inputPath,
      jobInputPath,
      outputPath: jobSettings.outputPath,
      outputLocation: outputLocation(settings.inputPath, jobSettings.outputPath),
      numResults: jobSettings.numResults,
      filterArn: jobSettings.filterArn,
      polling: jobSettings.polling,
      source: input.source,
      ...(previousCapacity && {
        capacityWait: {
          attempts: previousCapacity.attempts,
          since: previousCapacity.since,
          waitedSeconds: Math.max(0, Math.floor((deps.now() - Date.parse(previousCapacity.since)) / 1000)),
        },
      }),
    },
    poll: initialPollState(jobSettings.polling),
  };
}

/**
 * The run's own input over its job group's configuration file. The group is the one the input
 * names, or the one its upload folder implies. A group named explicitly must have a file; an
 * implied one may have none (stage defaults apply).
 */
async function resolveRunInput(raw: unknown, deps: StartRunDependencies): Promise<RunInput> {
  const input = parseRunInputFields(raw);
  const jobGroup = input.jobGroup ?? jobGroupForInput(input.inputPath, deps.layout);
  if (!jobGroup) return mergeRunInput({}, input);
  const key = configKey(jobGroup, deps.layout);
  const location = `s3://${deps.layout.bucket}/${key}`;
  const text = await deps.configs.read(deps.layout.bucket, key);
  if (text === undefined) {
    if (input.jobGroup && input.jobGroup !== DEFAULT_JOB_GROUP) {
      throw new InvalidRunInputError([{ field: 'jobGroup', message: `names "${input.jobGroup}", which has no configuration file at ${location}` }]);
    }
    return { ...mergeRunInput({}, input), jobGroup };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidRunInputError([{ field: location, message: `is not valid JSON (${error instanceof Error ? error.message : String(error)})` }]);
  }
  const config: JobGroupConfig = parseJobGroupConfig(parsed, location);
  return { ...mergeRunInput(config, input), jobGroup };
}

function capacityOf(previous: unknown): CapacityState | undefined {
  if (typeof previous !== 'object' || previous === null || !('capacity' in previous)) return undefined;
  const capacity = (previous as { capacity: unknown }).capacity;
  if (typeof capacity !== 'object' || capacity === null) return undefined;
  const { since, attempts } = capacity as Partial<CapacityState>;
  return typeof since === 'string' && typeof attempts === 'number' ? (capacity as CapacityState) : undefined;
}

/** An upload's version id, so the staged copy is exactly the object that fired the trigger. */
function sourceVersionId(input: RunInput, inputPath: string): string | undefined {
  const source = input.source;
  if (!source || typeof source.versionId !== 'string') return undefined;
  return inputPath === `s3://${String(source.bucket)}/${String(source.key)}` ? source.versionId : undefined;
}

/**
 * Jobs live in the account and region of the solution version they use, so the ARN of a job we
 * named can be built without listing jobs.
 */
export function batchInferenceJobArn(solutionVersionArn: string, jobName: string): string {
  const [arn, partition, service, region, account] = solutionVersionArn.split(':');
  if (arn !== 'arn' || service !== 'personalize' || !partition || !region || !account) {
    throw new JobRejectedError(`Cannot derive the job ARN from solution version ARN ${solutionVersionArn}`);
  }
  return `arn:${partition}:personalize:${region}:${account}:batch-inference-job/${jobName}`;
}

function assertSameJob(existing: BatchJobDescription, settings: JobSettings): void {
  const mismatches = (
    [
      ['solutionVersionArn', existing.solutionVersionArn, settings.solutionVersionArn],
      ['inputPath', existing.inputPath, settings.inputPath],
      ['outputPath', existing.outputPath, settings.outputPath],
    ] as const
  ).filter(([, actual, expected]) => actual !== expected);
  if (mismatches.length > 0) {
    const details = mismatches.map(([field, actual, expected]) => `${field} is ${actual ?? 'unset'}, this run wants ${expected}`).join('; ');
    throw new JobRejectedError(
      `Job name ${settings.jobName} is already used by a different batch inference job (${details}). ` +
        'Job names can never be reused: give this run another jobName.',
      'ResourceAlreadyExistsException',
    );
  }
}

/**
 * Copies the input to the run's staging folder, turning S3's answers into what the user can act on:
 * a missing file or one the start function may not read is a problem with the run's input.
 */
async function stageInput(plan: StagingPlan, inputPath: string, staging: InputStaging): Promise<void> {
  try {
    await staging.copy(plan.source, plan.destination);
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchVersion') {
      throw new InvalidRunInputError([{ field: 'inputPath', message: `names ${inputPath}, which does not exist` }]);
    }
    if (name === 'AccessDenied' || name === 'Forbidden') {
      throw new InvalidRunInputError([
        {
          field: 'inputPath',
          message: `names ${inputPath}, which the start function may not read: keep run inputs under the input or scheduled prefix of the data bucket`,
        },
      ]);
    }
    throw error;
  }
}
