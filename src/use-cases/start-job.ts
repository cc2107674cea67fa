import type { BatchJobDescription, BatchJobs, ConfigFiles, InputStaging, RunProgress } from './ports';
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
  type JobSettings,
  type RunDefaults,
  type RunInput,
} from '../domain/run-input';


export interface StartJobDependencies {
  jobs: BatchJobs;
  progress?: RunProgress;
  /** Where a failed progress write is reported; it never fails the start. */
  warn?: (message: string, details: Record<string, unknown>) => void;
  defaults: RunDefaults;
  layout: BucketLayout;
  configs: ConfigFiles;
  staging: InputStaging;
  now: () => number;
  random?: () => number;
}

export interface StartJobRequest {
  /** The execution input, as the trigger or the console user gave it. */
  input: unknown;
  execution: ExecutionRef;
  /** The state the previous attempt left, when this run is waiting for Personalize capacity. */
  previous?: unknown;
}

/** Either the job started and the polling loop begins, or the run waits for a free job slot. */
export type StartJobResult = RunState | { capacity: CapacityState; pending: PendingStart };

/**
 * What a run waiting for capacity carries to its next attempt: its settings as resolved on the
 * first attempt, so a configuration file edited meanwhile does not change a queued run.
 */
export interface PendingStart {
  input: RunInput;
  settings: JobSettings;
}

/**
 * Starts the Personalize job for one run.
 *
 * Primary course: validate the input, merge it over its job group's configuration file and the
 * stage defaults, stage the input file in a folder of its own, create the job under a name derived
 * from the execution, and hand the polling loop its first wait.
 * Alternate courses:
 * - The name is taken. A derived name belongs to this execution alone (see `jobNameForRun`), so
 *   this is a retry of this same run whose first attempt created the job: adopt it. A name the
 *   user chose is adopted only if the job matches this run's request, and refused clearly if not.
 * - Personalize is at its concurrent-job quota: return a capacity state; the state machine waits
 *   and calls again, until `maxQueueSeconds` runs out.
 */
export async function startJob(request: StartJobRequest, deps: StartJobDependencies): Promise<StartJobResult> {
  const runId = request.execution.name;
  const previousCapacity = capacityOf(request.previous);
  const pending = previousCapacity ? pendingOf(request.previous) : undefined;

  let input: RunInput;
  let jobSettings: JobSettings;
  if (pending) {
    ({ input, settings: jobSettings } = pending);
  } else {
    const resolved = await resolveRunInput(request.input, deps);
    input = resolved.input;
    const settings = resolveJobSettings(input, resolved.defaults, runId, jobNameForRun(runId, request.execution.arn, request.execution.startTime));
    const staging = stagedInput(settings.inputPath, runId, deps.layout, sourceVersionId(input, settings.inputPath));
    if (staging) await stageInput(staging, settings.inputPath, deps.staging);
    jobSettings = { ...settings, inputPath: staging?.jobInputPath ?? settings.inputPath };
  }
  const askedInputPath = input.inputPath;

  let created;
  try {
    created = await deps.jobs.create(jobSettings);
  } catch (error) {
    if (!(error instanceof PersonalizeBusyError)) throw error;
    const capacityPolicy = { ...DEFAULT_CAPACITY_POLICY, ...(input.maxQueueSeconds !== undefined && { maxQueueSeconds: input.maxQueueSeconds }) };
    const decision = onCapacityRefused(capacityPolicy, previousCapacity, error.message, deps.now(), deps.random ?? Math.random);
    if ('giveUp' in decision) throw new CapacityWaitExceededError(decision.giveUp);
    await reportProgress(() => deps.progress?.waitingForCapacity({ runId, attempts: decision.wait.attempts, since: decision.wait.since }), deps);
    return { capacity: decision.wait, pending: { input, settings: jobSettings } };
  }

  let jobArn: string;
  let jobCreatedAt: Date;
  let adoptedExistingJob = false;
  if (created.created) {
    jobArn = created.jobArn;
    jobCreatedAt = new Date(deps.now());
  } else {
    const existing = await deps.jobs.describe(batchInferenceJobArn(jobSettings.solutionVersionArn, jobSettings.jobName));
    if (input.jobName) assertSameJob(existing, jobSettings);
    // The run reports the job it adopted: where that job reads and writes, even if a setting
    // changed between the attempt that created it and this one.
    jobSettings = {
      ...jobSettings,
      solutionVersionArn: existing.solutionVersionArn ?? jobSettings.solutionVersionArn,
      inputPath: existing.inputPath ?? jobSettings.inputPath,
      outputPath: existing.outputPath ?? jobSettings.outputPath,
    };
    jobArn = existing.jobArn;
    jobCreatedAt = existing.createdAt ?? new Date(deps.now());
    adoptedExistingJob = true;
  }

  await reportProgress(() => deps.progress?.jobStarted({ runId, jobArn, jobName: jobSettings.jobName, jobCreatedAt: jobCreatedAt.toISOString() }), deps);

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
      inputPath: askedInputPath,
      jobInputPath: jobSettings.inputPath,
      outputPath: jobSettings.outputPath,
      outputLocation: outputLocation(askedInputPath, jobSettings.outputPath),
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
async function resolveRunInput(raw: unknown, deps: StartJobDependencies): Promise<{ input: RunInput; defaults: RunDefaults }> {
  const input = parseRunInputFields(raw);
  const jobGroup = input.jobGroup ?? jobGroupForInput(input.inputPath, deps.layout);
  if (!jobGroup) return { input: mergeRunInput({}, input), defaults: deps.defaults };
  const key = configKey(jobGroup, deps.layout);
  const location = `s3://${deps.layout.bucket}/${key}`;
  const text = await deps.configs.read(deps.layout.bucket, key);
  if (text === undefined) {
    if (input.jobGroup && input.jobGroup !== DEFAULT_JOB_GROUP) {
      throw new InvalidRunInputError([{ field: 'jobGroup', message: `names "${input.jobGroup}", which has no configuration file at ${location}` }]);
    }
    return { input: { ...mergeRunInput({}, input), jobGroup }, defaults: deps.defaults };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidRunInputError([{ field: location, message: `is not valid JSON (${error instanceof Error ? error.message : String(error)})` }]);
  }
  // A group's outputPath is where its runs write, each in a folder of its own: runs of the same
  // file name would otherwise overwrite each other's `<file>.out`.
  const { outputPath: groupOutputPath, ...config } = parseJobGroupConfig(parsed, location);
  return {
    input: { ...mergeRunInput(config, input), jobGroup },
    defaults: groupOutputPath ? { ...deps.defaults, outputBaseUri: groupOutputPath } : deps.defaults,
  };
}

/**
 * The record's RUNNING / WAITING_FOR_CAPACITY mark is for operators; failing the start over it
 * would leave a created job unwatched, so a failed write is reported and the run goes on.
 */
async function reportProgress(write: () => Promise<void> | undefined, deps: StartJobDependencies): Promise<void> {
  try {
    await write();
  } catch (error) {
    deps.warn?.('Could not mark the run in the runs table', { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
}

function pendingOf(previous: unknown): PendingStart | undefined {
  if (typeof previous !== 'object' || previous === null || !('pending' in previous)) return undefined;
  const pending = (previous as { pending: unknown }).pending;
  if (typeof pending !== 'object' || pending === null) return undefined;
  const { input, settings } = pending as Partial<PendingStart>;
  return input && settings ? { input, settings } : undefined;
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
 * Copies the input to the run's staging folder. A missing file is a problem with the run's input;
 * any other failure is reported as S3 gave it, saying which copy failed.
 */
async function stageInput(plan: StagingPlan, inputPath: string, staging: InputStaging): Promise<void> {
  try {
    await staging.copy(plan.source, plan.destination);
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchVersion') {
      throw new InvalidRunInputError([{ field: 'inputPath', message: `names ${inputPath}, which does not exist` }]);
    }
    // Anything else (AccessDenied on either side, KMS, throttling) keeps S3's name for Retry/Catch
    // and the record, with the copy it happened on.
    if (error instanceof Error) {
      error.message = `Staging ${inputPath} to s3://${plan.destination.bucket}/${plan.destination.key} failed: ${error.message}`;
    }
    throw error;
  }
}
