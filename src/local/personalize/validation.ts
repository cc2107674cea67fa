import { AwsServiceError } from '../aws-json-server';
import { BATCH_INFERENCE_JOB_MODES, type CreateBatchInferenceJobRequest, type ListBatchInferenceJobsRequest, type ListSolutionVersionsRequest } from './types';
import {
  Collector,
  formatValidationMessage,
  JOB_NAME_PATTERN,
  KMS_KEY_ARN_PATTERN,
  matchesWhole,
  PERSONALIZE_ARN_PATTERN,
  ROLE_ARN_PATTERN,
  S3_PATH_PATTERN,
  withoutUndefined,
  type Violation,
} from './request-collector';

export { Collector, formatValidationMessage, JOB_NAME_PATTERN, KMS_KEY_ARN_PATTERN, PERSONALIZE_ARN_PATTERN, ROLE_ARN_PATTERN, S3_PATH_PATTERN, withoutUndefined, type Violation };

/*
 * Request validation for the three batch inference operations, following the Personalize service model
 * (the constraints published in the Amazon Personalize API reference). The SDKs validate nothing client-side, so this is the only place a malformed
 * request is caught before it would reach AWS.
 *
 * Patterns are matched against the WHOLE value, as AWS's server-side validation does: the model's
 * `^[a-zA-Z0-9][a-zA-Z0-9\-_]*` has no `$`, yet AWS still rejects "my job".
 *
 * Stand-in choices, where the model leaves AWS's behaviour open:
 * - A member of the wrong JSON type is an InvalidInputException (AWS would answer SerializationException);
 *   the typed SDK cannot send one, so only hand-built requests see the difference.
 * - `numResults` below 1 is rejected: the model has no bounds, but no caller means to ask for zero items.
 * - Unknown members are ignored, as AWS's JSON deserializer ignores them.
 */


export const MAX_TAGS = 200;

/**
 * Validates a CreateBatchInferenceJob request body.
 * @throws AwsServiceError `InvalidInputException` listing every violation, or `TooManyTagsException`.
 */
export function validateCreateBatchInferenceJob(input: Record<string, unknown>): CreateBatchInferenceJobRequest {
  const v = new Collector();
  const jobName = v.string('jobName', input.jobName, { required: true, min: 1, max: 63, pattern: JOB_NAME_PATTERN });
  const solutionVersionArn = v.personalizeArn('solutionVersionArn', input.solutionVersionArn, true);
  const filterArn = v.personalizeArn('filterArn', input.filterArn, false);
  const numResults = v.integer('numResults', input.numResults, { min: 1 });
  const roleArn = v.string('roleArn', input.roleArn, { required: true, max: 256, pattern: ROLE_ARN_PATTERN });
  const jobInput = v.wrapper('jobInput', input.jobInput, 's3DataSource', (path, value) => v.s3DataConfig(path, value));
  const jobOutput = v.wrapper('jobOutput', input.jobOutput, 's3DataDestination', (path, value) => v.s3DataConfig(path, value));
  const batchInferenceJobConfig = v.jobConfig('batchInferenceJobConfig', input.batchInferenceJobConfig);
  const batchInferenceJobMode = v.enumValue('batchInferenceJobMode', input.batchInferenceJobMode, BATCH_INFERENCE_JOB_MODES);
  const themeGenerationConfig = v.themeGenerationConfig('themeGenerationConfig', input.themeGenerationConfig);
  if (batchInferenceJobMode === 'THEME_GENERATION' && input.themeGenerationConfig == null) {
    v.add('themeGenerationConfig', null, 'Member must not be null when batchInferenceJobMode is THEME_GENERATION');
  }
  const tags = v.tags('tags', input.tags);
  v.throwIfAny();
  if (tags && tags.length > MAX_TAGS) {
    throw new AwsServiceError(
      'TooManyTagsException',
      `The request has ${tags.length} tags; a batch inference job can have at most ${MAX_TAGS} tags.`,
    );
  }
  return withoutUndefined({
    jobName: jobName!,
    solutionVersionArn: solutionVersionArn!,
    filterArn,
    numResults,
    jobInput: { s3DataSource: jobInput! },
    jobOutput: { s3DataDestination: jobOutput! },
    roleArn: roleArn!,
    batchInferenceJobConfig,
    tags,
    batchInferenceJobMode,
    themeGenerationConfig,
  });
}

/** @throws AwsServiceError `InvalidInputException` */
export function validateDescribeBatchInferenceJob(input: Record<string, unknown>): { batchInferenceJobArn: string } {
  const v = new Collector();
  const batchInferenceJobArn = v.personalizeArn('batchInferenceJobArn', input.batchInferenceJobArn, true);
  v.throwIfAny();
  return { batchInferenceJobArn: batchInferenceJobArn! };
}

export const DEFAULT_MAX_RESULTS = 100;

/** @throws AwsServiceError `InvalidInputException` */
export function validateListBatchInferenceJobs(input: Record<string, unknown>): ListBatchInferenceJobsRequest {
  const v = new Collector();
  const solutionVersionArn = v.personalizeArn('solutionVersionArn', input.solutionVersionArn, false);
  const nextToken = v.string('nextToken', input.nextToken, { max: 1500 });
  const maxResults = v.integer('maxResults', input.maxResults, { min: 1, max: 100 });
  v.throwIfAny();
  return withoutUndefined({ solutionVersionArn, nextToken, maxResults: maxResults ?? DEFAULT_MAX_RESULTS });
}

/** ListSolutionVersions: `solutionArn` ≤ 256 (Personalize ARN pattern), `nextToken` ≤ 1500 ASCII, `maxResults` 1–100. @throws AwsServiceError `InvalidInputException` */
export function validateListSolutionVersions(input: Record<string, unknown>): ListSolutionVersionsRequest {
  const v = new Collector();
  const solutionArn = v.personalizeArn('solutionArn', input.solutionArn, false);
  const nextToken = v.string('nextToken', input.nextToken, { max: 1500, pattern: '\\p{ASCII}{0,1500}' });
  const maxResults = v.integer('maxResults', input.maxResults, { min: 1, max: 100 });
  v.throwIfAny();
  return withoutUndefined({ solutionArn, nextToken, maxResults: maxResults ?? DEFAULT_MAX_RESULTS });
}


/** True when the ARN looks like a Personalize ARN: used for ARNs in a user-supplied catalog as well. */
export function isPersonalizeArn(value: string): boolean {
  return value.length <= 256 && matchesWhole(PERSONALIZE_ARN_PATTERN, value);
}

