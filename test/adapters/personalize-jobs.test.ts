import {
  CreateBatchInferenceJobCommand,
  CreateBatchSegmentJobCommand,
  DescribeBatchInferenceJobCommand,
  DescribeBatchSegmentJobCommand,
  LimitExceededException,
  PersonalizeClient,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { PersonalizeBatchJobs } from '../../src/adapters/personalize-jobs';
import { JobLostError, JobRejectedError, PersonalizeBusyError } from '../../src/domain/errors';
import type { JobSettings } from '../../src/domain/job-settings';
import { DEFAULT_POLLING_POLICY } from '../../src/domain/polling-policy';
import { adoptExistingJob, batchJobArn } from '../../src/use-cases/adopt-job';

const personalize = mockClient(PersonalizeClient);
const SV = 'arn:aws:personalize:us-east-1:123456789012:solution/affinity/1';
const SEGMENT_ARN = 'arn:aws:personalize:us-east-1:123456789012:batch-segment-job/seg-1';
const SETTINGS: JobSettings = {
  jobType: 'BATCH_SEGMENT',
  jobName: 'seg-1',
  solutionVersionArn: SV,
  roleArn: 'arn:aws:iam::123456789012:role/PersonalizeRole',
  inputPath: 's3://data/staging/run-1/',
  outputPath: 's3://data/output/run-1/',
  numResults: 100,
  filterArn: 'arn:aws:personalize:us-east-1:123456789012:filter/f',
  tags: [{ tagKey: 'team', tagValue: 'crm' }],
  polling: { ...DEFAULT_POLLING_POLICY },
};

const jobs = () => new PersonalizeBatchJobs({ client: new PersonalizeClient({ region: 'us-east-1' }) });

describe('PersonalizeBatchJobs with jobType BATCH_SEGMENT', () => {
  beforeEach(() => personalize.reset());

  it('creates a batch segment job with the members CreateBatchSegmentJob has, and no others', async () => {
    personalize.on(CreateBatchSegmentJobCommand).resolves({ batchSegmentJobArn: SEGMENT_ARN });

    const result = await jobs().create(SETTINGS);

    expect(result).toEqual({ created: true, jobArn: SEGMENT_ARN });
    expect(personalize).not.toHaveReceivedCommand(CreateBatchInferenceJobCommand);
    const sent = personalize.commandCalls(CreateBatchSegmentJobCommand)[0]!.args[0].input;
    expect(sent).toEqual({
      jobName: 'seg-1',
      solutionVersionArn: SV,
      roleArn: SETTINGS.roleArn,
      jobInput: { s3DataSource: { path: SETTINGS.inputPath, kmsKeyArn: undefined } },
      jobOutput: { s3DataDestination: { path: SETTINGS.outputPath, kmsKeyArn: undefined } },
      numResults: 100,
      filterArn: SETTINGS.filterArn,
      tags: SETTINGS.tags,
    });
  });

  it('translates the segment API\'s errors as the inference API\'s: name in use, busy, rejected', async () => {
    personalize.on(CreateBatchSegmentJobCommand).rejects(new ResourceAlreadyExistsException({ message: 'exists', $metadata: {} }));
    await expect(jobs().create(SETTINGS)).resolves.toEqual({ created: false, reason: 'NAME_IN_USE' });
    personalize.on(CreateBatchSegmentJobCommand).rejects(new LimitExceededException({ message: 'limit of 5 batch segment jobs', $metadata: {} }));
    await expect(jobs().create(SETTINGS)).rejects.toThrow(PersonalizeBusyError);
    personalize.on(CreateBatchSegmentJobCommand).rejects(new ResourceNotFoundException({ message: 'no such version', $metadata: {} }));
    await expect(jobs().create(SETTINGS)).rejects.toThrow(JobRejectedError);
  });

  it('describes a batch-segment-job ARN with DescribeBatchSegmentJob, and any other with DescribeBatchInferenceJob', async () => {
    personalize.on(DescribeBatchSegmentJobCommand).resolves({
      batchSegmentJob: { batchSegmentJobArn: SEGMENT_ARN, jobName: 'seg-1', status: 'ACTIVE', solutionVersionArn: SV, numResults: 100, creationDateTime: new Date(0) },
    });
    personalize.on(DescribeBatchInferenceJobCommand).resolves({ batchInferenceJob: { status: 'CREATE PENDING' } });

    await expect(jobs().describe(SEGMENT_ARN)).resolves.toMatchObject({ jobArn: SEGMENT_ARN, status: 'ACTIVE', numResults: 100, createdAt: new Date(0) });
    expect(personalize).toHaveReceivedCommandWith(DescribeBatchSegmentJobCommand, { batchSegmentJobArn: SEGMENT_ARN });
    await jobs().describe('arn:aws:personalize:us-east-1:123456789012:batch-inference-job/inf-1');
    expect(personalize).toHaveReceivedCommandWith(DescribeBatchInferenceJobCommand, { batchInferenceJobArn: 'arn:aws:personalize:us-east-1:123456789012:batch-inference-job/inf-1' });
  });

  it('reports a segment job Personalize does not know as lost, in its own words', async () => {
    personalize.on(DescribeBatchSegmentJobCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    await expect(jobs().describe(SEGMENT_ARN)).rejects.toThrow(new JobLostError(`Batch segment job ${SEGMENT_ARN} does not exist`));
  });

  it('adopts a retried start\'s own segment job by its batch-segment-job ARN, and refuses another of that name', async () => {
    const described = { batchSegmentJobArn: SEGMENT_ARN, jobName: 'seg-1', status: 'CREATE PENDING', solutionVersionArn: SV, roleArn: SETTINGS.roleArn,
      jobInput: { s3DataSource: { path: SETTINGS.inputPath } }, jobOutput: { s3DataDestination: { path: SETTINGS.outputPath } }, numResults: 100, filterArn: SETTINGS.filterArn };
    personalize.on(DescribeBatchSegmentJobCommand).resolves({ batchSegmentJob: { ...described, creationDateTime: new Date('2026-01-15T10:00:02Z') } });
    const context = { userChoseName: false, executionStartTime: '2026-01-15T10:00:00.000Z' };

    await expect(adoptExistingJob(jobs(), SETTINGS, context)).resolves.toMatchObject({ jobArn: SEGMENT_ARN });

    personalize.on(DescribeBatchSegmentJobCommand).resolves({ batchSegmentJob: { ...described, creationDateTime: new Date('2026-01-08T10:00:00Z') } });
    await expect(adoptExistingJob(jobs(), SETTINGS, context)).rejects.toThrow('Job name seg-1 is already used by a batch segment job created at 2026-01-08T10:00:00.000Z');
  });
});

describe('batchJobArn', () => {
  it.each([
    ['BATCH_INFERENCE', 'arn:aws:personalize:us-east-1:123456789012:batch-inference-job/j'],
    ['BATCH_SEGMENT', 'arn:aws:personalize:us-east-1:123456789012:batch-segment-job/j'],
  ] as const)('derives a %s job ARN from the solution version ARN', (jobType, expected) => {
    expect(batchJobArn(jobType, SV, 'j')).toBe(expected);
  });
});
