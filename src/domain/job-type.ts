/**
 * What kind of Personalize batch job a run starts. Both kinds take the same request shape (job
 * name, solution version, S3 input and output, role, filter, `numResults`, tags), run through the
 * same statuses and write JSON Lines output; they differ in the API, the ARN's resource type, what
 * an input line holds and what an output line recommends:
 *
 * | jobType | API | input line | output line | ARN resource |
 * |---|---|---|---|---|
 * | `BATCH_INFERENCE` | CreateBatchInferenceJob | `{"userId"}`, `{"itemId"}`, `{"userId","itemList"}` | `recommendedItems` | `batch-inference-job/<name>` |
 * | `BATCH_SEGMENT` | CreateBatchSegmentJob | `{"itemId"}` (Item-Affinity), `{"itemAttributes"}` (Item-Attribute-Affinity) | `recommendedUsers` | `batch-segment-job/<name>` |
 *
 * Personalize counts pending-or-in-progress jobs of each kind against a quota of its own (5 each by
 * default), so capacity is per job type. Source: shared/docs/aws-facts.md, "Batch segment jobs";
 * the `CreateBatchSegmentJobRequest` shape in `@aws-sdk/client-personalize`.
 */

export const JOB_TYPES = ['BATCH_INFERENCE', 'BATCH_SEGMENT'] as const;
export type JobType = (typeof JOB_TYPES)[number];

/** A run that names no `jobType` (in its input or its group's configuration) starts a batch inference job. */
export const DEFAULT_JOB_TYPE: JobType = 'BATCH_INFERENCE';

/**
 * Settings only CreateBatchInferenceJob has: CreateBatchSegmentJob has no config, mode or theme
 * members, so a segment run that names one is refused rather than silently dropping it.
 */
export const BATCH_INFERENCE_ONLY_SETTINGS = ['batchInferenceJobConfig', 'batchInferenceJobMode', 'themeGenerationConfig'] as const;

/**
 * Users a batch segment job may put in one segment (`numResults`): "The maximum number of users per
 * segment is 5 million" (CreateBatchSegmentJobRequest.numResults in the service model).
 */
export const MAX_USERS_PER_SEGMENT = 5_000_000;

/** The ARN resource type of each job type (`arn:…:personalize:<region>:<account>:<resource>/<jobName>`). */
export const JOB_ARN_RESOURCE_TYPES: Readonly<Record<JobType, string>> = Object.freeze({
  BATCH_INFERENCE: 'batch-inference-job',
  BATCH_SEGMENT: 'batch-segment-job',
});

/** The job type in people's words ("batch segment job"), for messages. */
export const JOB_TYPE_NOUNS: Readonly<Record<JobType, string>> = Object.freeze({
  BATCH_INFERENCE: 'batch inference job',
  BATCH_SEGMENT: 'batch segment job',
});

/** `jobType` as given, or the default for a run (or a queued start written before the setting existed) that has none. */
export function jobTypeOrDefault(jobType: JobType | undefined): JobType {
  return jobType ?? DEFAULT_JOB_TYPE;
}

/**
 * The job type a job ARN names by its resource type, or undefined for any other ARN (a record
 * without a job, or a malformed value).
 */
export function jobTypeOfArn(jobArn: string | undefined): JobType | undefined {
  const resource = jobArn?.split(':')[5];
  if (!resource) return undefined;
  return JOB_TYPES.find((jobType) => resource.startsWith(`${JOB_ARN_RESOURCE_TYPES[jobType]}/`));
}
