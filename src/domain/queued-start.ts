// zod/mini, as in run-input.ts: the same validation core at a fraction of the bundle size.
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { JOB_TYPES } from './job-type';
import { ConfigurationError } from './errors';
import type { JobSettings } from './job-settings';
import { RunInputSchema, type RunInput } from './run-input';

const runInputFields = RunInputSchema.shape;

const PollingPolicySchema = z.object({
  firstWaitSeconds: z.number(),
  backoffRate: z.number(),
  maxIntervalSeconds: z.number(),
  maxElapsedSeconds: z.number(),
  maxPolls: z.number(),
  firstPollSeconds: z.optional(z.number()),
});

/** A resolved job request as JSON carries it; the optional members keep the run input's own checks. */
const JobSettingsSchema = z.object({
  jobType: runInputFields.jobType,
  jobName: z.string(),
  solutionVersionArn: z.string(),
  roleArn: z.string(),
  inputPath: z.string(),
  outputPath: z.string(),
  inputFileName: z.optional(z.string()),
  numResults: runInputFields.numResults,
  filterArn: runInputFields.filterArn,
  batchInferenceJobConfig: runInputFields.batchInferenceJobConfig,
  batchInferenceJobMode: runInputFields.batchInferenceJobMode,
  themeGenerationConfig: runInputFields.themeGenerationConfig,
  inputKmsKeyArn: runInputFields.inputKmsKeyArn,
  outputKmsKeyArn: runInputFields.outputKmsKeyArn,
  tags: runInputFields.tags,
  polling: PollingPolicySchema,
  maxErrorRate: runInputFields.maxErrorRate,
});

/**
 * What a run resolved on its first attempt: its input merged with its job group's configuration,
 * and the job request (its input path already the staged copy). Kept in the data bucket, not in
 * the state (see `QueuedStartSchema`), because a group's file may hold hundreds of long tags.
 */
export const ResolvedStartSchema = z.object({
  input: RunInputSchema,
  settings: JobSettingsSchema,
});

export type ResolvedStart = z.infer<typeof ResolvedStartSchema>;

/** Personalize's refusal message is kept on the queued state; it is short, but not bounded by any model. */
export const LAST_REFUSAL_MAX_LENGTH = 1000;

/**
 * The state of a run queued for Personalize capacity: what the start step returns as `queued` when
 * CreateBatchInferenceJob is refused for the job quota, and what the state machine hands back to it
 * (`"queued.$": "$.queued"`) after "Wait for a job slot". It carries a reference, not a copy: the
 * resolved start (input and settings, see `ResolvedStartSchema`) is written once to the data bucket
 * and named here with its SHA-256, so a configuration file edited while the run waits does not
 * change it, the input is staged once, and the state stays a few hundred bytes however large the
 * group's settings are (Step Functions' 262,144-byte limit).
 */
export const QueuedStartSchema = z.object({
  /** ISO 8601 time of the first refusal. */
  since: z.string(),
  /** Start attempts that found no slot so far. */
  attempts: z.number(),
  /** Seconds the run may still wait: "Wait for a job slot"'s `TimeoutSecondsPath` (until `since + maxQueueSeconds`). */
  waitSeconds: z.number(),
  /**
   * Personalize's message when it refused a slot we thought free (LimitExceededException), at most
   * `LAST_REFUSAL_MAX_LENGTH` characters; empty when the run queued because every slot was held.
   */
  lastRefusal: z.string(),
  /** The job the run will create: its slot is matched against ListBatchInferenceJobs (or ListBatchSegmentJobs) by this name. */
  jobName: z.optional(z.string()),
  /** Which queue the run waits in: each job type has Personalize's quota of its own. */
  jobType: z.optional(z.enum(JOB_TYPES)),
  /** Jobs of its type Personalize listed as using the quota when it refused this run (see `SlotWaiter`). */
  activeAtRefusal: z.optional(z.number()),
  /** The run's place among priorities (0–9, higher first). */
  priority: z.optional(z.number()),
  /** Where the start resolved on the first attempt is kept, and the SHA-256 (hex) of its text. */
  resolved: z.object({ uri: z.string(), sha256: z.string() }),
});

export type QueuedStart = z.infer<typeof QueuedStartSchema>;

/**
 * Reads the queued state the state machine handed back. `null`/absent is a first attempt. A value
 * that does not match the schema cannot come from the start step (it wrote it): it is treated as a
 * first attempt too, which resolves and stages the input again rather than failing the run.
 */
export function parseQueuedStart(raw: unknown): QueuedStart | undefined {
  if (raw === null || raw === undefined) return undefined;
  const result = QueuedStartSchema.safeParse(raw);
  return result.success ? result.data : undefined;
}

/**
 * Parses the resolved start read back from the data bucket.
 *
 * @throws ConfigurationError when the text is not the one the first attempt wrote (its hash differs)
 *   or not a resolved start.
 */
export function parseResolvedStart(text: string, queued: QueuedStart): ResolvedStart {
  if (sha256Hex(text) !== queued.resolved.sha256) {
    throw new ConfigurationError(`The settings this run resolved on its first attempt were changed at ${queued.resolved.uri} while it waited for capacity`);
  }
  const result = ResolvedStartSchema.safeParse(JSON.parse(text));
  if (!result.success) throw new ConfigurationError(`${queued.resolved.uri} does not hold a resolved start`);
  return result.data;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

// Compile-time proof that the schema and the types the use case works with agree.
type Assignable<T, U extends T> = U;
export type ResolvedStartAgreesWithJobSettings = Assignable<JobSettings, ResolvedStart['settings']>;
export type ResolvedStartAgreesWithRunInput = Assignable<RunInput, ResolvedStart['input']>;
