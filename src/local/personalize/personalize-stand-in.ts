import { AwsServiceError, startAwsJsonServer } from '../aws-json-server';
import { systemClock, type Clock, type VirtualClock } from '../clock';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../local-aws';
import { localS3Client } from '../local-s3';
import { DEFAULT_CATALOG, indexCatalog, loadCatalog } from './catalog';
import { resolveBatchInputLimits, type BatchInputLimits } from './input-limits';
import { runBatchInferenceJob } from './job-runner';
import { DEFAULT_OUTPUT_PART_BYTES } from './output-upload';
import { decodeNextToken, JobStore, pageOf, type StoredJob } from './job-store';
import { checkedDurations, dueAtMs, isInFlight, observeStatus, phaseAt } from './lifecycle';
import { describe, summarize } from './job-views';
import { validateCreateBatchSegmentJob, validateDescribeBatchSegmentJob, validateListBatchSegmentJobs } from './segment-validation';
import { listSolutionVersions } from './solution-versions';
import type { CreateBatchInferenceJobRequest, JobDurations, ListBatchInferenceJobsRequest, StandInCatalog, StandInJobType } from './types';
import { validateCreateBatchInferenceJob, validateDescribeBatchInferenceJob, validateListBatchInferenceJobs, validateListSolutionVersions } from './validation';

export interface PersonalizeStandInOptions {
  /** The jobs to serve, one store per job type (`--data-dir` restores them before the start); default new, empty stores. */
  stores?: Record<StandInJobType, JobStore>;
  /** Local S3 (s3rver) endpoint the jobs read input from and write output to. */
  s3Endpoint: string;
  /** Drives job lifecycles. Default: the system clock. */
  clock?: Clock;
  /** Solution versions, filters and items that exist. Default: the bundled `DEFAULT_CATALOG`. */
  catalog?: StandInCatalog;
  /** Default `{ pendingMs: 2000, inProgressMs: 3000 }`. */
  durations?: JobDurations;
  /**
   * Pending plus in-progress jobs allowed at once, per job type: Personalize's default quota is 5
   * batch inference jobs and, counted apart, 5 batch segment jobs per region.
   */
  maxConcurrentJobs?: number;
  region?: string;
  accountId?: string;
  /** Default 0: a free port. The server binds 127.0.0.1 only. */
  port?: number;
  /** When set, a background timer finalizes due jobs (for a long-running `local up`). Default off. */
  sweepIntervalMs?: number;
  /**
   * The virtual clock, when time is virtual: each job's end becomes a wake-up on it, and the job is
   * finalized (its output written) at that instant, held on the clock while it writes (a passive
   * wake-up: it never moves the clock by itself). Personalize
   * writes a job's output as the job ends, whoever is looking; a lazy finalization would write it
   * only when someone asks, and no object-created event could come first.
   */
  scheduler?: Pick<VirtualClock, 'sleep' | 'track'>;
  /**
   * Limits on a job's input data, over Personalize's documented ones (`DEFAULT_BATCH_INPUT_LIMITS`).
   * A job whose input breaks one ends CREATE FAILED with a failureReason (see input-limits.ts for why).
   */
  limits?: Partial<BatchInputLimits>;
  /** Bytes per part of the multipart upload that writes each `.out` file. Default 8 MiB. */
  outputPartBytes?: number;
  /**
   * Real milliseconds a request that finds jobs due waits for them to be finalized before answering
   * with them still CREATE IN_PROGRESS. Default 20,000. See `DEFAULT_FINALIZE_WAIT_MS`.
   */
  finalizeWaitMs?: number;
}

export interface PersonalizeStandIn {
  endpoint: string;
  catalog: StandInCatalog;
  /** Finalize every job whose time has come (reads input from S3, writes output, sets ACTIVE/CREATE FAILED). */
  settle(): Promise<void>;
  /** Jobs currently known (both job types, oldest first per type), for tests and the CLI. */
  jobs(): Array<{ jobType: StandInJobType; jobName: string; jobArn: string; status: string }>;
  /** Requests received so far by operation, answered or refused (e.g. `CreateBatchInferenceJob`), for the capacity benchmark. */
  requestCounts(): Record<string, number>;
  close(): Promise<void>;
}

export const DEFAULT_DURATIONS: JobDurations = { pendingMs: 2000, inProgressMs: 3000 };
export const DEFAULT_MAX_CONCURRENT_JOBS = 5;
/**
 * Personalize answers Describe at once, whatever its jobs are doing; a stand-in request that waited
 * for a large job's data to be processed (tens of seconds for a million records) would run into the
 * 120-second TimeoutSeconds of the state machine's Task states and fail them with States.Timeout.
 * Past this wait the job reads CREATE IN_PROGRESS, as a real job still processing its data does, and
 * the poller comes back; small jobs still finish within the request that observes them.
 */
export const DEFAULT_FINALIZE_WAIT_MS = 20_000;

/**
 * Starts a local stand-in for the Amazon Personalize batch APIs (CreateBatchInferenceJob,
 * DescribeBatchInferenceJob, ListBatchInferenceJobs, and CreateBatchSegmentJob,
 * DescribeBatchSegmentJob, ListBatchSegmentJobs, and ListSolutionVersions for runs that name a
 * solution) speaking awsJson1_1, so the real `PersonalizeClient`
 * reaches it through `endpoint`. The two job types share the lifecycle, statuses and output
 * envelope; each has its own job names, ARNs (`batch-segment-job/<name>`) and quota.
 *
 * Requests are checked in the order validation → unknown solution version or filter
 * (ResourceNotFoundException) → reused job name (ResourceAlreadyExistsException) → quota
 * (LimitExceededException): cheapest and most specific first, and a request that could never succeed
 * is not reported as merely throttled. AWS documents no order.
 *
 * Job status follows the clock. Jobs whose time is up are finalized lazily, when a request looks at
 * them, when `settle()` is called, or by the sweep timer. A request waits at most `finalizeWaitMs`
 * for that; a job still being finalized then reads CREATE IN_PROGRESS.
 *
 * @example
 * const s3 = await startLocalS3();
 * const clock = new VirtualClock();
 * const personalize = await startPersonalizeStandIn({ s3Endpoint: s3.endpoint, clock });
 * const client = new PersonalizeClient({ endpoint: personalize.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
 */
export async function startPersonalizeStandIn(options: PersonalizeStandInOptions): Promise<PersonalizeStandIn> {
  const clock = options.clock ?? systemClock;
  // Re-validated even when passed in code, so a bad catalog fails at start-up rather than mid-job; the
  // copy also keeps callers' later edits (or edits to DEFAULT_CATALOG) out of a running stand-in.
  const catalog = loadCatalog(options.catalog ?? DEFAULT_CATALOG);
  const durations = checkedDurations(options.durations ?? DEFAULT_DURATIONS);
  const maxConcurrentJobs = options.maxConcurrentJobs ?? DEFAULT_MAX_CONCURRENT_JOBS;
  if (!Number.isInteger(maxConcurrentJobs) || maxConcurrentJobs < 1) {
    throw new RangeError(`maxConcurrentJobs must be a positive integer, got ${maxConcurrentJobs}`);
  }
  const limits = resolveBatchInputLimits(options.limits);
  const outputPartBytes = options.outputPartBytes ?? DEFAULT_OUTPUT_PART_BYTES;
  if (!Number.isSafeInteger(outputPartBytes) || outputPartBytes < 1) {
    throw new RangeError(`outputPartBytes must be a positive integer, got ${outputPartBytes}`);
  }
  const finalizeWaitMs = options.finalizeWaitMs ?? DEFAULT_FINALIZE_WAIT_MS;
  if (!Number.isFinite(finalizeWaitMs) || finalizeWaitMs < 0) {
    throw new RangeError(`finalizeWaitMs must be a finite number >= 0, got ${finalizeWaitMs}`);
  }
  const region = options.region ?? LOCAL_REGION;
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const index = indexCatalog(catalog);
  const stores: Record<StandInJobType, JobStore> = options.stores ?? { BATCH_INFERENCE: new JobStore(), BATCH_SEGMENT: new JobStore() };
  const allJobs = () => [...stores.BATCH_INFERENCE.all(), ...stores.BATCH_SEGMENT.all()];
  const s3 = localS3Client(options.s3Endpoint);

  function finalize(job: StoredJob): Promise<void> {
    job.finalizing ??= runBatchInferenceJob(job, s3, index, { limits, outputPartBytes }).then((outcome) => {
      job.outcome = outcome;
    });
    return job.finalizing;
  }

  // Pending wake-ups are dropped at close, so a closed stand-in never pulls the clock forward.
  const closing = new AbortController();
  /** Virtual time: finalize the job at its due time on the clock (see `scheduler`). */
  function finalizeWhenDue(job: StoredJob): void {
    const scheduler = options.scheduler;
    if (!scheduler || job.outcome) return;
    // Passive: a job's end moves no clock by itself; it happens when the clock gets there.
    void scheduler.sleep(Math.max(0, dueAtMs(job.timeline) - clock.now()), closing.signal, { passive: true }).then(() => {
      if (!closing.signal.aborted) void scheduler.track(() => finalize(job));
    });
  }
  for (const job of allJobs()) finalizeWhenDue(job);

  async function finalizeDueJobs(): Promise<void> {
    const now = clock.now();
    await Promise.all(allJobs().filter((job) => !job.outcome && phaseAt(job.timeline, now) === 'DUE').map(finalize));
  }

  /** For requests: finalization goes on in the background past the wait; the answer does not. */
  function finalizeDueJobsWithin(): Promise<void> {
    return withinMs(finalizeDueJobs(), finalizeWaitMs);
  }

  /** Create for either job type: checks in the order the doc comment above gives; returns the new job's ARN. */
  async function createJob(jobType: StandInJobType, request: CreateBatchInferenceJobRequest): Promise<string> {
    const store = stores[jobType];
    const noun = NOUNS[jobType];
    await finalizeDueJobsWithin();
    // From here on nothing awaits: the checks and the insert must see the same state.
    const solutionVersion = index.solutionVersion(request.solutionVersionArn);
    if (!solutionVersion) {
      throw new AwsServiceError('ResourceNotFoundException', `Could not find solution version: ${request.solutionVersionArn}`);
    }
    // Stand-in choice: AWS documents no error for a version that is not ACTIVE; InvalidInputException
    // is the closest modeled one (the adapter treats it, like ResourceInUseException, as a rejection).
    if ((solutionVersion.status ?? 'ACTIVE') !== 'ACTIVE') {
      throw new AwsServiceError('InvalidInputException', `Solution version ${request.solutionVersionArn} is not ACTIVE: it is ${solutionVersion.status}.`);
    }
    if (request.filterArn !== undefined && !index.filter(request.filterArn)) {
      throw new AwsServiceError('ResourceNotFoundException', `Could not find filter: ${request.filterArn}`);
    }
    const arn = jobArn(region, accountId, request.jobName, jobType);
    if (store.hasName(request.jobName)) {
      throw new AwsServiceError('ResourceAlreadyExistsException', `A ${noun} named ${request.jobName} already exists: ${arn}`);
    }
    const now = clock.now();
    const inFlight = store.all().filter((job) => isInFlight(job.timeline, now)).length;
    if (inFlight >= maxConcurrentJobs) {
      throw new AwsServiceError(
        'LimitExceededException',
        `You have reached the limit of ${maxConcurrentJobs} ${noun}s in CREATE PENDING or CREATE IN_PROGRESS in ${region}. Wait for a job to finish, then try again.`,
      );
    }
    finalizeWhenDue(store.add({ arn, request, recipe: solutionVersion.recipe, jobType, timeline: { createdAtMs: now, durations } }));
    return arn;
  }

  async function describeJob(jobType: StandInJobType, arn: string): Promise<Record<string, unknown>> {
    const job = stores[jobType].get(arn);
    if (!job) throw new AwsServiceError('ResourceNotFoundException', `Could not find ${NOUNS[jobType]}: ${arn}`);
    if (!job.outcome && phaseAt(job.timeline, clock.now()) === 'DUE') await withinMs(finalize(job), finalizeWaitMs);
    return describe(job, clock.now());
  }

  async function listJobs(jobType: StandInJobType, request: ListBatchInferenceJobsRequest): Promise<StoredJob[]> {
    const store = stores[jobType];
    const cursor = request.nextToken === undefined ? undefined : decodeNextToken(request.nextToken, request.solutionVersionArn);
    const invalidToken = () => new AwsServiceError('InvalidNextTokenException', 'The nextToken is not valid for this request.');
    if (request.nextToken !== undefined && !cursor) throw invalidToken();
    await finalizeDueJobsWithin();
    const page = pageOf(store.newestFirst(request.solutionVersionArn), request.maxResults, cursor, request.solutionVersionArn);
    if (!page) throw invalidToken();
    return Object.assign(page.items, { nextToken: page.nextToken });
  }

  // Versions without a creation time in the catalog were "trained" when the stand-in started.
  const startedAtMs = clock.now();

  async function listSolutionVersionsOperation(input: Record<string, unknown>): Promise<Record<string, unknown>> {
    return listSolutionVersions(catalog.solutionVersions, validateListSolutionVersions(input), startedAtMs);
  }

  const listed = (jobs: StoredJob[] & { nextToken?: string | undefined }, member: string) => {
    const now = clock.now();
    return { [member]: jobs.map((job) => summarize(job, now)), ...(jobs.nextToken ? { nextToken: jobs.nextToken } : {}) };
  };

  const requestCounts: Record<string, number> = {};
  function counted<T extends Record<string, (input: never) => unknown>>(operations: T): T {
    return Object.fromEntries(
      Object.entries(operations).map(([name, operation]) => [
        name,
        (input: never) => {
          requestCounts[name] = (requestCounts[name] ?? 0) + 1;
          return operation(input);
        },
      ]),
    ) as T;
  }

  const server = await startAwsJsonServer({
    targetPrefix: 'AmazonPersonalize',
    contentType: 'application/x-amz-json-1.1',
    port: options.port ?? 0,
    operations: counted({
      CreateBatchInferenceJob: async (input) => ({ batchInferenceJobArn: await createJob('BATCH_INFERENCE', validateCreateBatchInferenceJob(input)) }),
      DescribeBatchInferenceJob: async (input) => ({
        batchInferenceJob: await describeJob('BATCH_INFERENCE', validateDescribeBatchInferenceJob(input).batchInferenceJobArn),
      }),
      ListBatchInferenceJobs: async (input) => listed(await listJobs('BATCH_INFERENCE', validateListBatchInferenceJobs(input)), 'batchInferenceJobs'),
      CreateBatchSegmentJob: async (input) => ({ batchSegmentJobArn: await createJob('BATCH_SEGMENT', validateCreateBatchSegmentJob(input)) }),
      DescribeBatchSegmentJob: async (input) => ({
        batchSegmentJob: await describeJob('BATCH_SEGMENT', validateDescribeBatchSegmentJob(input).batchSegmentJobArn),
      }),
      ListBatchSegmentJobs: async (input) => listed(await listJobs('BATCH_SEGMENT', validateListBatchSegmentJobs(input)), 'batchSegmentJobs'),
      ListSolutionVersions: listSolutionVersionsOperation,
    }),
  });

  const sweep =
    options.sweepIntervalMs === undefined
      ? undefined
      : setInterval(() => {
          // Finalization turns every failure into CREATE FAILED, so nothing here can reject.
          void finalizeDueJobs();
        }, options.sweepIntervalMs);
  // A forgotten stand-in must not keep the CLI or a test process alive.
  sweep?.unref();

  return {
    endpoint: server.endpoint,
    requestCounts: () => ({ ...requestCounts }),
    catalog,
    settle: finalizeDueJobs,
    jobs: () =>
      allJobs().map((job) => ({
        jobType: job.jobType,
        jobName: job.request.jobName,
        jobArn: job.arn,
        status: observeStatus(job.timeline, job.outcome, clock.now()).status,
      })),
    async close() {
      if (sweep) clearInterval(sweep);
      closing.abort();
      // Let running finalizations finish their S3 writes before the client goes away.
      await Promise.all(allJobs().map((job) => job.finalizing));
      await server.close();
      s3.destroy();
    },
  };
}

/** Resolves when `work` settles or after `ms`, whichever is first; `work` never rejects here. */
async function withinMs(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([work, elapsed]);
  } finally {
    clearTimeout(timer);
  }
}

const NOUNS: Readonly<Record<StandInJobType, string>> = { BATCH_INFERENCE: 'batch inference job', BATCH_SEGMENT: 'batch segment job' };
const RESOURCE_TYPES: Readonly<Record<StandInJobType, string>> = { BATCH_INFERENCE: 'batch-inference-job', BATCH_SEGMENT: 'batch-segment-job' };

/** `arn:<partition>:personalize:<region>:<account>:batch-inference-job/<jobName>` (or `batch-segment-job/<jobName>`) */
export function jobArn(region: string, accountId: string, jobName: string, jobType: StandInJobType = 'BATCH_INFERENCE'): string {
  return `arn:${partitionOf(region)}:personalize:${region}:${accountId}:${RESOURCE_TYPES[jobType]}/${jobName}`;
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
