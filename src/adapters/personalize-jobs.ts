import {
  CreateBatchInferenceJobCommand,
  CreateBatchSegmentJobCommand,
  DescribeBatchInferenceJobCommand,
  DescribeBatchSegmentJobCommand,
  PersonalizeClient,
  paginateListSolutionVersions,
  type BatchInferenceJob,
  type BatchSegmentJob,
  type CreateBatchInferenceJobCommandInput,
  type CreateBatchSegmentJobCommandInput,
  type PersonalizeClientConfig,
} from '@aws-sdk/client-personalize';
import { InvalidRunInputError, JobLostError, JobRejectedError, PersonalizeBusyError } from '../domain/errors';
import type { JobSettings } from '../domain/job-settings';
import { JOB_TYPE_NOUNS, jobTypeOfArn, jobTypeOrDefault } from '../domain/job-type';
import type { SolutionVersionSummary } from '../domain/solution-choice';
import type { BatchJobDescription, BatchJobs, CreateJobResult, SolutionVersions } from '../use-cases/ports';


/** Errors that mean Personalize will never accept this request as it stands. */
const REJECTIONS = new Set([
  'InvalidInputException',
  'ResourceNotFoundException',
  'ResourceInUseException',
  'TooManyTagsException',
]);
/** Errors that mean "not now": the SDK already retried them, the state machine retries again later. */
const BUSY = new Set(['LimitExceededException', 'ThrottlingException', 'TooManyRequestsException']);

/**
 * Adapter over `PersonalizeClient` for batch jobs of both job types: batch inference jobs
 * (CreateBatchInferenceJob / DescribeBatchInferenceJob) and batch segment jobs (CreateBatchSegmentJob
 * / DescribeBatchSegmentJob), chosen by `settings.jobType` on create and by the ARN's resource type
 * (`batch-segment-job/…`) on describe. Translates AWS errors into domain errors; the two APIs model
 * the same errors. Also lists the solution versions a run naming a `solutionArn` chooses from.
 */
export class PersonalizeBatchJobs implements BatchJobs, SolutionVersions {
  private readonly client: PersonalizeClient;

  constructor(options: { client?: PersonalizeClient; clientConfig?: PersonalizeClientConfig } = {}) {
    this.client = options.client ?? new PersonalizeClient(options.clientConfig ?? {});
  }

  async create(settings: JobSettings): Promise<CreateJobResult> {
    try {
      if (jobTypeOrDefault(settings.jobType) === 'BATCH_SEGMENT') {
        const response = await this.client.send(new CreateBatchSegmentJobCommand(toCreateSegmentRequest(settings)));
        if (!response.batchSegmentJobArn) throw new Error('CreateBatchSegmentJob returned no batchSegmentJobArn');
        return { created: true, jobArn: response.batchSegmentJobArn };
      }
      const response = await this.client.send(new CreateBatchInferenceJobCommand(toCreateRequest(settings)));
      if (!response.batchInferenceJobArn) throw new Error('CreateBatchInferenceJob returned no batchInferenceJobArn');
      return { created: true, jobArn: response.batchInferenceJobArn };
    } catch (error) {
      const name = errorName(error);
      if (name === 'ResourceAlreadyExistsException') return { created: false, reason: 'NAME_IN_USE' };
      if (BUSY.has(name)) throw new PersonalizeBusyError(`Personalize is busy (${name}): ${errorMessage(error)}`);
      if (REJECTIONS.has(name)) throw new JobRejectedError(`Personalize rejected the job (${name}): ${errorMessage(error)}`, name);
      throw error;
    }
  }

  /** Describes the job `jobArn` names: a `batch-segment-job/…` ARN with DescribeBatchSegmentJob, any other with DescribeBatchInferenceJob. */
  async describe(jobArn: string): Promise<BatchJobDescription> {
    const jobType = jobTypeOfArn(jobArn) ?? 'BATCH_INFERENCE';
    try {
      if (jobType === 'BATCH_SEGMENT') {
        const { batchSegmentJob } = await this.client.send(new DescribeBatchSegmentJobCommand({ batchSegmentJobArn: jobArn }));
        if (!batchSegmentJob) throw new JobLostError(`DescribeBatchSegmentJob returned no job for ${jobArn}`);
        return toSegmentDescription(jobArn, batchSegmentJob);
      }
      const { batchInferenceJob } = await this.client.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: jobArn }));
      if (!batchInferenceJob) throw new JobLostError(`DescribeBatchInferenceJob returned no job for ${jobArn}`);
      return toDescription(jobArn, batchInferenceJob);
    } catch (error) {
      const name = errorName(error);
      if (name === 'ResourceNotFoundException') throw new JobLostError(`${capitalized(JOB_TYPE_NOUNS[jobType])} ${jobArn} does not exist`);
      if (BUSY.has(name)) throw new PersonalizeBusyError(`Personalize is busy (${name}): ${errorMessage(error)}`);
      throw error;
    }
  }

  /**
   * ListSolutionVersions, every page (at most 100 versions each). ResourceNotFoundException (no
   * such solution) and InvalidInputException (a malformed ARN) are the run's input: final.
   * Throttling and 5xx propagate as they are, for the state machine's retries.
   */
  async list(solutionArn: string): Promise<SolutionVersionSummary[]> {
    const versions: SolutionVersionSummary[] = [];
    try {
      for await (const page of paginateListSolutionVersions({ client: this.client, pageSize: 100 }, { solutionArn })) {
        for (const version of page.solutionVersions ?? []) {
          if (!version.solutionVersionArn) continue;
          versions.push({
            solutionVersionArn: version.solutionVersionArn,
            status: version.status,
            creationDateTime: version.creationDateTime,
            lastUpdatedDateTime: version.lastUpdatedDateTime,
          });
        }
      }
    } catch (error) {
      const name = errorName(error);
      if (name === 'ResourceNotFoundException' || name === 'InvalidInputException') {
        throw new InvalidRunInputError([{ field: 'solutionArn', message: `Personalize cannot list the versions of ${solutionArn} (${name}): ${errorMessage(error)}` }]);
      }
      throw error;
    }
    return versions;
  }
}

function toCreateRequest(settings: JobSettings): CreateBatchInferenceJobCommandInput {
  return {
    jobName: settings.jobName,
    solutionVersionArn: settings.solutionVersionArn,
    roleArn: settings.roleArn,
    jobInput: { s3DataSource: { path: settings.inputPath, kmsKeyArn: settings.inputKmsKeyArn } },
    jobOutput: { s3DataDestination: { path: settings.outputPath, kmsKeyArn: settings.outputKmsKeyArn } },
    numResults: settings.numResults,
    filterArn: settings.filterArn,
    batchInferenceJobConfig: settings.batchInferenceJobConfig,
    batchInferenceJobMode: settings.batchInferenceJobMode,
    themeGenerationConfig: settings.themeGenerationConfig,
    tags: settings.tags,
  };
}

/** CreateBatchSegmentJob's request: the members it shares with CreateBatchInferenceJob, nothing else. */
function toCreateSegmentRequest(settings: JobSettings): CreateBatchSegmentJobCommandInput {
  return {
    jobName: settings.jobName,
    solutionVersionArn: settings.solutionVersionArn,
    roleArn: settings.roleArn,
    jobInput: { s3DataSource: { path: settings.inputPath, kmsKeyArn: settings.inputKmsKeyArn } },
    jobOutput: { s3DataDestination: { path: settings.outputPath, kmsKeyArn: settings.outputKmsKeyArn } },
    numResults: settings.numResults,
    filterArn: settings.filterArn,
    tags: settings.tags,
  };
}

function toSegmentDescription(jobArn: string, job: BatchSegmentJob): BatchJobDescription {
  return describedMembers(job.batchSegmentJobArn ?? jobArn, job);
}

/** What both job types' Describe answers hold, in the port's words. */
function describedMembers(jobArn: string, job: BatchSegmentJob | BatchInferenceJob): BatchJobDescription {
  return {
    jobArn,
    jobName: job.jobName ?? jobArn.slice(jobArn.lastIndexOf('/') + 1),
    status: job.status,
    failureReason: job.failureReason,
    solutionVersionArn: job.solutionVersionArn,
    inputPath: job.jobInput?.s3DataSource?.path,
    outputPath: job.jobOutput?.s3DataDestination?.path,
    createdAt: job.creationDateTime,
    roleArn: job.roleArn,
    numResults: job.numResults,
    filterArn: job.filterArn,
    inputKmsKeyArn: job.jobInput?.s3DataSource?.kmsKeyArn,
    outputKmsKeyArn: job.jobOutput?.s3DataDestination?.kmsKeyArn,
  };
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function toDescription(jobArn: string, job: BatchInferenceJob): BatchJobDescription {
  return {
    ...describedMembers(job.batchInferenceJobArn ?? jobArn, job),
    batchInferenceJobMode: job.batchInferenceJobMode,
    batchInferenceJobConfig: job.batchInferenceJobConfig,
    themeGenerationConfig: job.themeGenerationConfig,
  };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
