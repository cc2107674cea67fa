import { adoptExistingJob } from './adopt-job';
import { resolveRunInput } from './resolve-run-input';
import { resolveSolutionVersion } from './resolve-solution-version';
import type { BatchJobs, ConfigFiles, InputStaging, RunProgress, SolutionVersions } from './ports';
import { stageRunInput } from './stage-input';
import type { BucketLayout } from '../domain/bucket-layout';
import { DEFAULT_CAPACITY_POLICY, onCapacityRefused } from '../domain/capacity-policy';
import { CapacityWaitExceededError, PersonalizeBusyError } from '../domain/errors';
import { jobNameForRun } from '../domain/naming';
import { NEXT_STEP } from '../domain/next-step';
import { initialPollState } from '../domain/polling-policy';
import { parseQueuedStart, type QueuedStart } from '../domain/queued-start';
import type { ExecutionRef, RunState } from '../domain/run';
import { resolveJobSettings, type JobSettings, type RunDefaults } from '../domain/job-settings';
import { outputLocation } from '../domain/output-location';
import type { RunInput } from '../domain/run-input';
import { secondsSince } from '../domain/time';

export interface StartJobDependencies {
  jobs: BatchJobs;
  /** Resolves a run's `solutionArn` to its newest ACTIVE version; a run naming one fails without it. */
  solutionVersions?: SolutionVersions;
  progress?: RunProgress;
  /** Where a failed progress write is reported; it never fails the start. */
  warn?: (message: string, details: Record<string, unknown>) => void;
  defaults: RunDefaults;
  layout: BucketLayout;
  configs: ConfigFiles;
  staging: InputStaging;
  /** Epoch milliseconds. */
  now: () => number;
  /** In [0, 1): the capacity wait's jitter. */
  random?: () => number;
}

/** The "Start job" state's payload. */
export interface StartJobRequest {
  /** The execution input (`$$.Execution.Input`), as the trigger or the console user gave it. */
  input: unknown;
  execution: ExecutionRef;
  /**
   * `$.queued`: what the previous attempt returned when the run had to wait for Personalize
   * capacity (see `QueuedStartSchema`); `null` on the first attempt.
   */
  queued?: unknown;
}

/** The job started: the polling loop begins (`next: POLL`). */
export type JobStarted = RunState & { next: typeof NEXT_STEP.poll };
/** Personalize refused the start for its job quota: "Wait for capacity", then call again with `queued`. */
export interface StartQueued {
  next: typeof NEXT_STEP.waitForCapacity;
  queued: QueuedStart;
}
export type StartJobResult = JobStarted | StartQueued;

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
 * - Personalize is at its concurrent-job quota: return the queued state; the state machine waits
 *   and calls again with it, until `maxQueueSeconds` runs out. The next attempt reuses the input
 *   and settings the queued state carries: no configuration read, no second copy.
 *
 * @throws InvalidRunInputError, JobRejectedError (final), CapacityWaitExceededError when the
 *   next wait would pass `maxQueueSeconds`, and S3/Personalize errors as the adapters raise them.
 */
export async function startJob(request: StartJobRequest, deps: StartJobDependencies): Promise<StartJobResult> {
  const runId = request.execution.name;
  const queued = parseQueuedStart(request.queued);
  const { input, settings: requested } = queued ?? (await resolveFirstAttempt(request, deps));

  let created;
  try {
    created = await deps.jobs.create(requested);
  } catch (error) {
    if (!(error instanceof PersonalizeBusyError)) throw error;
    return queueForCapacity(runId, input, requested, queued, error, deps);
  }

  const { jobArn, jobCreatedAt, settings: jobSettings, adoptedExistingJob } = created.created
    ? { jobArn: created.jobArn, jobCreatedAt: new Date(deps.now()), settings: requested, adoptedExistingJob: false }
    : { ...(await adoptExistingJob(deps.jobs, requested, input.jobName !== undefined, deps.now)), adoptedExistingJob: true };

  await reportProgress(() => deps.progress?.jobStarted({ runId, jobArn, jobName: jobSettings.jobName, jobCreatedAt: jobCreatedAt.toISOString() }), deps);

  return {
    next: NEXT_STEP.poll,
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
      solutionArn: input.solutionArn,
      inputPath: input.inputPath,
      jobInputPath: jobSettings.inputPath,
      outputPath: jobSettings.outputPath,
      outputLocation: outputLocation(input.inputPath, jobSettings.outputPath),
      numResults: jobSettings.numResults,
      filterArn: jobSettings.filterArn,
      polling: jobSettings.polling,
      source: input.source,
      ...(queued && {
        capacityWait: { attempts: queued.attempts, since: queued.since, waitedSeconds: secondsSince(queued.since, deps.now()) },
      }),
    },
    poll: initialPollState(jobSettings.polling),
  };
}

/** The first attempt resolves the input and settings, and stages the input once. */
async function resolveFirstAttempt(request: StartJobRequest, deps: StartJobDependencies): Promise<{ input: RunInput; settings: JobSettings }> {
  const runId = request.execution.name;
  const { input, defaults } = await resolveRunInput(request.input, deps);
  // A named solution runs its newest ACTIVE version, resolved once: the queued state keeps it.
  const resolved = await resolveSolutionVersion(input, deps);
  const jobName = jobNameForRun(runId, request.execution.arn, request.execution.startTime);
  const asked = resolved ? { ...input, solutionVersionArn: resolved.solutionVersionArn } : input;
  const settings = await stageRunInput(input, resolveJobSettings(asked, defaults, runId, jobName), runId, deps);
  return { input, settings };
}

/** Folds a quota refusal into the queued state, or gives up once `maxQueueSeconds` would pass. */
async function queueForCapacity(
  runId: string,
  input: RunInput,
  settings: JobSettings,
  previous: QueuedStart | undefined,
  refusal: PersonalizeBusyError,
  deps: StartJobDependencies,
): Promise<StartQueued> {
  const capacityPolicy = { ...DEFAULT_CAPACITY_POLICY, ...(input.maxQueueSeconds !== undefined && { maxQueueSeconds: input.maxQueueSeconds }) };
  const decision = onCapacityRefused(capacityPolicy, previous, refusal.message, deps.now(), deps.random ?? Math.random);
  if ('giveUp' in decision) throw new CapacityWaitExceededError(decision.giveUp, { cause: refusal });
  await reportProgress(() => deps.progress?.waitingForCapacity({ runId, attempts: decision.wait.attempts, since: decision.wait.since }), deps);
  return { next: NEXT_STEP.waitForCapacity, queued: { ...decision.wait, input, settings } };
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
