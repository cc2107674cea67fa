// zod/mini, as in run-input.ts: the same validation core at a fraction of the bundle size.
import * as z from 'zod/mini';
import type { JobSettings } from './job-settings';
import { RunInputSchema, type RunInput } from './run-input';

const runInputFields = RunInputSchema.shape;

const PollingPolicySchema = z.object({
  firstWaitSeconds: z.number(),
  backoffRate: z.number(),
  maxIntervalSeconds: z.number(),
  maxElapsedSeconds: z.number(),
  maxPolls: z.number(),
});

/** A resolved job request as JSON carries it; the optional members keep the run input's own checks. */
const JobSettingsSchema = z.object({
  jobName: z.string(),
  solutionVersionArn: z.string(),
  roleArn: z.string(),
  inputPath: z.string(),
  outputPath: z.string(),
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
 * The state of a run queued for Personalize capacity: what the start step returns as `queued` when
 * CreateBatchInferenceJob is refused for the job quota, and what the state machine hands back to it
 * (`"queued.$": "$.queued"`) after "Wait for capacity". It carries the input and settings resolved
 * on the first attempt, so a configuration file edited while the run waits does not change it, and
 * the input is staged once.
 */
export const QueuedStartSchema = z.object({
  /** ISO 8601 time of the first refusal. */
  since: z.string(),
  /** CreateBatchInferenceJob calls refused so far. */
  attempts: z.number(),
  /** Seconds "Wait for capacity" waits before the next attempt (its `SecondsPath`). */
  waitSeconds: z.number(),
  /** Personalize's message for the last refusal. */
  lastRefusal: z.string(),
  /** The run's input merged with its job group's configuration, as on the first attempt. */
  input: RunInputSchema,
  /** The job request resolved on the first attempt, its input path already the staged copy. */
  settings: JobSettingsSchema,
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

// Compile-time proof that the schema and the types the use case works with agree.
type Assignable<T, U extends T> = U;
export type QueuedStartAgreesWithJobSettings = Assignable<JobSettings, QueuedStart['settings']>;
export type QueuedStartAgreesWithRunInput = Assignable<RunInput, QueuedStart['input']>;
