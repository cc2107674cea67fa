import { AwsServiceError } from '../aws-json-server';
import type { CreateBatchSegmentJobRequest, ListBatchInferenceJobsRequest } from './types';
import { Collector, DEFAULT_MAX_RESULTS, JOB_NAME_PATTERN, MAX_TAGS, ROLE_ARN_PATTERN, withoutUndefined } from './validation';

/*
 * Request validation for the three batch segment operations. The service model gives
 * CreateBatchSegmentJob the members and constraints of CreateBatchInferenceJob minus
 * batchInferenceJobConfig, batchInferenceJobMode and themeGenerationConfig (shared/docs/aws-facts.md;
 * `CreateBatchSegmentJobRequest` in @aws-sdk/client-personalize), with the same errors, so the
 * checks are validation.ts's. Members the model does not have are ignored, as AWS's JSON
 * deserializer ignores unknown members: a segment job sent a `batchInferenceJobMode` never sees it.
 */

/**
 * Validates a CreateBatchSegmentJob request body.
 * @throws AwsServiceError `InvalidInputException` listing every violation, or `TooManyTagsException`.
 */
export function validateCreateBatchSegmentJob(input: Record<string, unknown>): CreateBatchSegmentJobRequest {
  const v = new Collector();
  const jobName = v.string('jobName', input.jobName, { required: true, min: 1, max: 63, pattern: JOB_NAME_PATTERN });
  const solutionVersionArn = v.personalizeArn('solutionVersionArn', input.solutionVersionArn, true);
  const filterArn = v.personalizeArn('filterArn', input.filterArn, false);
  // The model documents at most 5 million users per segment.
  const numResults = v.integer('numResults', input.numResults, { min: 1, max: 5_000_000 });
  const roleArn = v.string('roleArn', input.roleArn, { required: true, max: 256, pattern: ROLE_ARN_PATTERN });
  const jobInput = v.wrapper('jobInput', input.jobInput, 's3DataSource', (path, value) => v.s3DataConfig(path, value));
  const jobOutput = v.wrapper('jobOutput', input.jobOutput, 's3DataDestination', (path, value) => v.s3DataConfig(path, value));
  const tags = v.tags('tags', input.tags);
  v.throwIfAny();
  if (tags && tags.length > MAX_TAGS) {
    throw new AwsServiceError('TooManyTagsException', `The request has ${tags.length} tags; a batch segment job can have at most ${MAX_TAGS} tags.`);
  }
  return withoutUndefined({
    jobName: jobName!,
    solutionVersionArn: solutionVersionArn!,
    filterArn,
    numResults,
    jobInput: { s3DataSource: jobInput! },
    jobOutput: { s3DataDestination: jobOutput! },
    roleArn: roleArn!,
    tags,
  });
}

/** @throws AwsServiceError `InvalidInputException` */
export function validateDescribeBatchSegmentJob(input: Record<string, unknown>): { batchSegmentJobArn: string } {
  const v = new Collector();
  const batchSegmentJobArn = v.personalizeArn('batchSegmentJobArn', input.batchSegmentJobArn, true);
  v.throwIfAny();
  return { batchSegmentJobArn: batchSegmentJobArn! };
}

/** ListBatchSegmentJobs takes ListBatchInferenceJobs' members. @throws AwsServiceError `InvalidInputException` */
export function validateListBatchSegmentJobs(input: Record<string, unknown>): ListBatchInferenceJobsRequest {
  const v = new Collector();
  const solutionVersionArn = v.personalizeArn('solutionVersionArn', input.solutionVersionArn, false);
  const nextToken = v.string('nextToken', input.nextToken, { max: 1500 });
  const maxResults = v.integer('maxResults', input.maxResults, { min: 1, max: 100 });
  v.throwIfAny();
  return withoutUndefined({ solutionVersionArn, nextToken, maxResults: maxResults ?? DEFAULT_MAX_RESULTS });
}
