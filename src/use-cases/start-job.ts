import { adoptExistingJob } from './adopt-job';
import { pollingWithHistory } from './polling-history';
import { resolveRunInput } from './resolve-run-input';
import { resolveSolutionVersion } from './resolve-solution-version';
import type { BatchJobs, ConfigFiles, InputStaging, RunHistory, RunProgress, SolutionVersions } from './ports';
import { stageRunInput } from './stage-input';
import { resolvedStartKey, type BucketLayout } from '../domain/bucket-layout';
import { DEFAULT_CAPACITY_POLICY, DEFAULT_PRIORITY, queueTimeoutReason, remainingQueueSeconds, waiterSortKey } from '../domain/capacity-policy';
import { takeSlot, type SlotQueueDependencies } from './job-slot-queue';
import { CapacityWaitExceededError, ConfigurationError, InvalidRunInputError, PersonalizeBusyError } from '../domain/errors';
import { jobTypeOrDefault, type JobType } from '../domain/job-type';
import { jobNameForRun } from '../domain/naming';
import { nextAfterPoll, NEXT_STEP } from '../domain/next-step';
import { outputWaitTarget, type OutputEventScope } from '../domain/output-wait';
import { initialPollState } from '../domain/polling-policy';
import { LAST_REFUSAL_MAX_LENGTH, parseQueuedStart, parseResolvedStart, sha256Hex, type QueuedStart, type ResolvedStart } from '../domain/queued-start';
import type { ExecutionRef, RunState } from '../domain/run';
import { outputOutsideStageIssue, resolveJobSettings, type RunDefaults } from '../domain/job-settings';
import { outputLocation } from '../domain/output-location';
import { parseS3Uri, s3UriOf } from '../domain/s3-uri';
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
  /** The group's previous runs, read once the job is created to place its status checks; absent: cold policy. */
  history?: RunHistory;
  /** Where object-created events wake runs: a run whose output lands there waits for it from the first wait on. */
  outputEvents?: OutputEventScope | undefined;
  /** The job slots and their queue, one per job type: a job is created only in a slot the run holds. */
  queues: Readonly<Record<JobType, Pick<SlotQueueDependencies, 'slots' | 'activeJobs' | 'maxConcurrentJobs'>>>;
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
export type JobStarted = RunState & { next: typeof NEXT_STEP.poll | typeof NEXT_STEP.waitForOutput };
/** No free job slot (or Personalize refused one): "Wait for a job slot", then call again with `queued`. */
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
 * - The name is taken. The job is adopted only when it is provably this execution's own (created
 *   at or after the execution started, with this run's request: a retried start whose first
 *   attempt created it); any other job of that name is refused clearly (see `adoptExistingJob`).
 * - Personalize is at its concurrent-job quota: return the queued state; the state machine waits
 *   and calls again with it, until `maxQueueSeconds` runs out. The first refusal keeps the resolved
 *   input and settings in the data bucket; the queued state names them, and the next attempt reads
 *   them back: the same settings, no second copy, and a state of a few hundred bytes.
 *
 * @throws InvalidRunInputError, JobRejectedError (final), CapacityWaitExceededError when the
 *   next wait would pass `maxQueueSeconds`, and S3/Personalize errors as the adapters raise them.
 */
export async function startJob(request: StartJobRequest, deps: StartJobDependencies): Promise<StartJobResult> {
  const runId = request.execution.name;
  const queued = parseQueuedStart(request.queued);
  const resolved = queued ? await readResolvedStart(queued, deps) : await resolveFirstAttempt(request, deps);
  const { input, settings: requested } = resolved;

  const since = queued?.since ?? new Date(deps.now()).toISOString();
  const admitted = await admit(request, resolved, since, deps);
  if (!admitted.admitted) return queueForSlot(request.execution, resolved, queued, since, '', admitted.ahead, deps);

  let created;
  try {
    created = await deps.jobs.create(requested);
  } catch (error) {
    if (!(error instanceof PersonalizeBusyError)) throw error;
    // A slot we thought free was not (a job ListBatchInferenceJobs did not show yet, or a quota
    // below maxConcurrentJobs): back to the queue, at the place its first queueing gave it.
    // How many jobs Personalize lists as using the quota now: the run is served again only once fewer are.
    const queue = queueOf(resolved, deps);
    await queue.slots.release(runId);
    const activeAtRefusal = (await queue.activeJobs.activeJobNames()).length;
    return queueForSlot(request.execution, resolved, queued, since, error.message, 0, deps, activeAtRefusal);
  }

  const { jobArn, jobCreatedAt, settings: jobSettings, adoptedExistingJob } = created.created
    ? { jobArn: created.jobArn, jobCreatedAt: new Date(deps.now()), settings: requested, adoptedExistingJob: false }
    : {
        ...(await adoptExistingJob(deps.jobs, requested, { userChoseName: input.jobName !== undefined, executionStartTime: request.execution.startTime })),
        adoptedExistingJob: true,
      };

  await reportProgress(
    () => deps.progress?.jobStarted({ runId, jobArn, jobName: jobSettings.jobName, jobCreatedAt: jobCreatedAt.toISOString(), jobType: jobTypeOrDefault(jobSettings.jobType), jobGroup: input.jobGroup, startedAt: request.execution.startTime }),
    deps,
  );
  const polling = await pollingWithHistory(jobSettings.polling, input.jobGroup, deps);

  const outputLocationOfRun = outputLocation(jobSettings.inputFileName ? `${jobSettings.inputPath}${jobSettings.inputFileName}` : input.inputPath, jobSettings.outputPath);
  const poll = initialPollState(polling, { outputEvents: deps.outputEvents !== undefined && outputWaitTarget(outputLocationOfRun, deps.outputEvents) !== undefined });
  return {
    next: nextAfterPoll(poll) as JobStarted['next'],
    run: {
      runId,
      jobType: jobTypeOrDefault(jobSettings.jobType),
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
      outputLocation: outputLocationOfRun,
      numResults: jobSettings.numResults,
      filterArn: jobSettings.filterArn,
      polling,
      maxErrorRate: jobSettings.maxErrorRate,
      source: input.source,
      ...(queued && {
        capacityWait: { attempts: queued.attempts, since: queued.since, waitedSeconds: secondsSince(queued.since, deps.now()) },
      }),
    },
    poll,
  };
}

/** The first attempt resolves the input and settings, and stages the input once. */
async function resolveFirstAttempt(request: StartJobRequest, deps: StartJobDependencies): Promise<ResolvedStart> {
  const runId = request.execution.name;
  const { input, defaults } = await resolveRunInput(request.input, deps);
  // A named solution runs its newest ACTIVE version, resolved once: the queued state keeps it.
  const resolved = await resolveSolutionVersion(input, deps);
  const jobName = jobNameForRun(runId, request.execution.arn, request.execution.startTime);
  const asked = resolved ? { ...input, solutionVersionArn: resolved.solutionVersionArn } : input;
  const jobSettings = resolveJobSettings(asked, defaults, runId, jobName);
  // From the run, its group's file or the stage: wherever it came from, only the stage's output location can be verified.
  const outside = outputOutsideStageIssue(jobSettings.outputPath, deps.defaults.outputBaseUri);
  if (outside) throw new InvalidRunInputError([outside]);
  const settings = await stageRunInput(input, jobSettings, runId, deps);
  return { input, settings };
}

/**
 * A later attempt of a queued run reads back what its first attempt resolved: the configuration
 * file and stage defaults as they were then, whatever they say now.
 *
 * @throws ConfigurationError when the resolved start is gone (expired with the staging folder) or changed.
 */
async function readResolvedStart(queued: QueuedStart, deps: StartJobDependencies): Promise<ResolvedStart> {
  const location = parseS3Uri(queued.resolved.uri);
  const text = location && (await deps.configs.read(location.bucket, location.key));
  if (text === undefined || text === '' || !location) {
    throw new ConfigurationError(
      `The settings this run resolved on its first attempt are gone from ${queued.resolved.uri} (staged files expire after stagingRetentionDays); start the run again`,
    );
  }
  return parseResolvedStart(text, queued);
}

/**
 * Whether the run may create its job now: it holds a slot (handed to it when it was woken, or
 * taken by an earlier attempt), or nobody waits ahead of it and a slot is free (taken now).
 * Returns how many wait ahead of it otherwise.
 */
async function admit(request: StartJobRequest, resolved: ResolvedStart, since: string, deps: StartJobDependencies): Promise<{ admitted: true } | { admitted: false; ahead: number }> {
  const runId = request.execution.name;
  const queue = queueOf(resolved, deps);
  const { slots } = queue;
  const [holders, waiters] = await Promise.all([slots.holders(), slots.waiters()]);
  const mine = waiters.filter((waiter) => waiter.runId === runId);
  const dropOwnPlace = async () => {
    for (const waiter of mine) await slots.dequeue({ sortKey: waiter.sortKey });
  };
  if (holders.some((holder) => holder.runId === runId)) {
    await dropOwnPlace();
    return { admitted: true };
  }
  const sortKey = waiterSortKey(resolved.input.priority ?? DEFAULT_PRIORITY, since, runId);
  const ahead = waiters.filter((waiter) => waiter.runId !== runId && waiter.sortKey < sortKey).length;
  if (ahead > 0) return { admitted: false, ahead };
  const holder = { runId, executionArn: request.execution.arn, jobName: resolved.settings.jobName, since: new Date(deps.now()).toISOString() };
  if ((await takeSlot(holder, queue)) === 'FULL') return { admitted: false, ahead: 0 };
  await dropOwnPlace();
  return { admitted: true };
}

/**
 * Hands the run to "Wait for a job slot", or ends it once `maxQueueSeconds` has passed, naming its
 * place in the queue: the queue serves the oldest first, so the runs whose time runs out first are
 * the newest ones.
 */
async function queueForSlot(
  execution: ExecutionRef,
  resolved: ResolvedStart,
  previous: QueuedStart | undefined,
  since: string,
  refusal: string,
  ahead: number,
  deps: StartJobDependencies,
  activeAtRefusal?: number,
): Promise<StartQueued> {
  const runId = execution.name;
  const { input } = resolved;
  const maxQueueSeconds = input.maxQueueSeconds ?? DEFAULT_CAPACITY_POLICY.maxQueueSeconds;
  const nowMs = deps.now();
  const waitSeconds = remainingQueueSeconds(since, maxQueueSeconds, nowMs);
  const attempts = (previous?.attempts ?? 0) + 1;
  if (waitSeconds === 0) {
    const { slots } = queueOf(resolved, deps);
    for (const waiter of await slots.waiters()) {
      if (waiter.runId === runId) await slots.dequeue({ sortKey: waiter.sortKey });
    }
    const reason = queueTimeoutReason(ahead + 1, secondsSince(since, nowMs), maxQueueSeconds);
    throw new CapacityWaitExceededError(refusal ? `${reason}. Last refusal: ${refusal}` : reason);
  }
  const reference = previous?.resolved ?? (await keepResolvedStart(runId, resolved, deps));
  await reportProgress(() => deps.progress?.waitingForCapacity({ runId, attempts, since, jobGroup: input.jobGroup, startedAt: execution.startTime }), deps);
  return {
    next: NEXT_STEP.waitForCapacity,
    queued: {
      since,
      attempts,
      waitSeconds,
      lastRefusal: refusal.slice(0, LAST_REFUSAL_MAX_LENGTH),
      resolved: reference,
      jobName: resolved.settings.jobName,
      jobType: jobTypeOrDefault(resolved.settings.jobType),
      priority: input.priority ?? DEFAULT_PRIORITY,
      // 0 says the list does not show the job that fills the quota yet: no gate, the sweep retries.
      ...(activeAtRefusal && { activeAtRefusal }),
    },
  };
}

/** The queue of the run's job type: each has Personalize's quota of its own. */
function queueOf(resolved: ResolvedStart, deps: StartJobDependencies): StartJobDependencies['queues'][JobType] {
  return deps.queues[jobTypeOrDefault(resolved.settings.jobType)];
}

/** Writes the first attempt's resolved start beside the staging folder; the queued state names it. */
async function keepResolvedStart(runId: string, resolved: ResolvedStart, deps: StartJobDependencies): Promise<QueuedStart['resolved']> {
  const text = JSON.stringify(resolved);
  const destination = { bucket: deps.layout.bucket, key: resolvedStartKey(runId, deps.layout) };
  await deps.staging.write(destination, text);
  return { uri: s3UriOf(destination.bucket, destination.key), sha256: sha256Hex(text) };
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
