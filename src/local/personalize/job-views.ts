import type { StoredJob } from './job-store';
import { observeStatus } from './lifecycle';

/* What Describe and List return for a stored job of either job type. */

/**
 * DescribeBatchInferenceJob's `batchInferenceJob` (or DescribeBatchSegmentJob's `batchSegmentJob`,
 * which has no mode, config or theme members): the request's members echoed, plus status and times.
 */
export function describe(job: StoredJob, nowMs: number): Record<string, unknown> {
  const { request } = job;
  const observed = observeStatus(job.timeline, job.outcome, nowMs);
  if (job.jobType === 'BATCH_SEGMENT') {
    return {
      jobName: request.jobName,
      batchSegmentJobArn: job.arn,
      ...(request.filterArn !== undefined ? { filterArn: request.filterArn } : {}),
      ...(observed.failureReason !== undefined ? { failureReason: observed.failureReason } : {}),
      solutionVersionArn: request.solutionVersionArn,
      ...(request.numResults !== undefined ? { numResults: request.numResults } : {}),
      jobInput: request.jobInput,
      jobOutput: request.jobOutput,
      roleArn: request.roleArn,
      status: observed.status,
      creationDateTime: new Date(job.timeline.createdAtMs),
      lastUpdatedDateTime: new Date(observed.lastUpdatedMs),
    };
  }
  return {
    jobName: request.jobName,
    batchInferenceJobArn: job.arn,
    ...(request.filterArn !== undefined ? { filterArn: request.filterArn } : {}),
    ...(observed.failureReason !== undefined ? { failureReason: observed.failureReason } : {}),
    solutionVersionArn: request.solutionVersionArn,
    ...(request.numResults !== undefined ? { numResults: request.numResults } : {}),
    jobInput: request.jobInput,
    jobOutput: request.jobOutput,
    ...(request.batchInferenceJobConfig !== undefined ? { batchInferenceJobConfig: request.batchInferenceJobConfig } : {}),
    roleArn: request.roleArn,
    batchInferenceJobMode: request.batchInferenceJobMode ?? 'BATCH_INFERENCE',
    ...(request.themeGenerationConfig !== undefined ? { themeGenerationConfig: request.themeGenerationConfig } : {}),
    status: observed.status,
    creationDateTime: new Date(job.timeline.createdAtMs),
    lastUpdatedDateTime: new Date(observed.lastUpdatedMs),
  };
}

/** A job's summary, as ListBatchInferenceJobs (or ListBatchSegmentJobs) lists it. */
export function summarize(job: StoredJob, nowMs: number): Record<string, unknown> {
  const observed = observeStatus(job.timeline, job.outcome, nowMs);
  if (job.jobType === 'BATCH_SEGMENT') {
    return {
      batchSegmentJobArn: job.arn,
      jobName: job.request.jobName,
      status: observed.status,
      creationDateTime: new Date(job.timeline.createdAtMs),
      lastUpdatedDateTime: new Date(observed.lastUpdatedMs),
      ...(observed.failureReason !== undefined ? { failureReason: observed.failureReason } : {}),
      solutionVersionArn: job.request.solutionVersionArn,
    };
  }
  return {
    batchInferenceJobArn: job.arn,
    jobName: job.request.jobName,
    status: observed.status,
    creationDateTime: new Date(job.timeline.createdAtMs),
    lastUpdatedDateTime: new Date(observed.lastUpdatedMs),
    ...(observed.failureReason !== undefined ? { failureReason: observed.failureReason } : {}),
    solutionVersionArn: job.request.solutionVersionArn,
    batchInferenceJobMode: job.request.batchInferenceJobMode ?? 'BATCH_INFERENCE',
  };
}
