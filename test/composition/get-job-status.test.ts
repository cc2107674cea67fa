import { DescribeBatchInferenceJobCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import { composeGetJobStatus, getJobStatusDependencies } from '../../src/composition/get-job-status';

const personalize = mockClient(PersonalizeClient);
const ENV = { JOB_SLOTS_TABLE_NAME: 'job-slots', DATA_BUCKET: 'data', OUTPUT_PREFIX: 'output/' };
const JOB_ARN = 'arn:aws:personalize:us-east-1:123456789012:batch-inference-job/run-1';

describe('getJobStatusDependencies', () => {
  beforeEach(() => personalize.reset());

  it('describes jobs through the Personalize client it is given, on the clock it is given', async () => {
    // Prepare
    personalize.on(DescribeBatchInferenceJobCommand).resolves({ batchInferenceJob: { batchInferenceJobArn: JOB_ARN, jobName: 'run-1', status: 'ACTIVE' } });
    const now = () => 42;
    const deps = getJobStatusDependencies(ENV, { clients: { personalize: new PersonalizeClient({ region: 'us-east-1' }) }, now });

    // Act
    const job = await deps.jobs.describe(JOB_ARN);

    // Assess
    expect(job).toMatchObject({ jobArn: JOB_ARN, status: 'ACTIVE' });
    expect(personalize).toHaveReceivedCommandWith(DescribeBatchInferenceJobCommand, { batchInferenceJobArn: JOB_ARN });
    expect(deps.now).toBe(now);
  });

  it('needs the job slots table, as a job that ended frees its slot, and names it when it is missing', () => {
    expect(typeof composeGetJobStatus(ENV)).toBe('function');
    expect(() => composeGetJobStatus({})).toThrow(/JOB_SLOTS_TABLE_NAME/);
    expect(getJobStatusDependencies({ ...ENV, MAX_CONCURRENT_SEGMENT_JOBS: '2' }).queues?.BATCH_SEGMENT.maxConcurrentJobs).toBe(2);
  });

  it('knows where output events wake runs (the data bucket\'s output prefix), and names a missing variable', () => {
    expect(getJobStatusDependencies(ENV).outputEvents).toEqual({ bucket: 'data', prefix: 'output/' });
    expect(() => composeGetJobStatus({ ...ENV, OUTPUT_PREFIX: undefined })).toThrow(/OUTPUT_PREFIX/);
    expect(() => composeGetJobStatus({ ...ENV, DATA_BUCKET: undefined })).toThrow(/DATA_BUCKET/);
  });
});
