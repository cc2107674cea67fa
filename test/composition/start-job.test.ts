import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBatchInferenceJobCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { composeStartJob, startJobDependencies } from '../../src/composition/start-job';
import { ConfigurationError } from '../../src/domain/errors';
import { DATA_BUCKET, OUTPUT_BASE_URI, ROLE_ARN, SOLUTION_VERSION_ARN } from '../support/sample-run';

const personalize = mockClient(PersonalizeClient);
const s3 = mockClient(S3Client);
const documents = mockClient(DynamoDBDocumentClient);

/** What serverless.yml sets on startJob, with a non-default value for every variable. */
const ENV = {
  DEFAULT_SOLUTION_VERSION_ARN: SOLUTION_VERSION_ARN,
  PERSONALIZE_ROLE_ARN: ROLE_ARN,
  OUTPUT_BASE_URI,
  DATA_BUCKET,
  INPUT_PREFIX: 'uploads/',
  CONFIG_PREFIX: 'settings/',
  STAGING_PREFIX: 'copies/',
  RUNS_TABLE_NAME: 'runs-table-from-env',
  JOB_SLOTS_TABLE_NAME: 'job-slots-from-env',
  MAX_CONCURRENT_JOBS: '7',
  OUTPUT_PREFIX: 'results/',
};

const clients = () => ({
  s3: new S3Client({ region: 'us-east-1' }),
  dynamodb: new DynamoDBClient({ region: 'us-east-1' }),
  personalize: new PersonalizeClient({ region: 'us-east-1' }),
});

describe('startJobDependencies', () => {
  beforeEach(() => {
    personalize.reset();
    s3.reset();
    documents.reset();
  });

  it('takes the stage defaults and the bucket layout from the environment', () => {
    // Act
    const deps = startJobDependencies({ ...ENV, DEFAULT_NUM_RESULTS: '40' }, { clients: clients() });

    // Assess
    expect(deps.defaults).toEqual({ solutionVersionArn: SOLUTION_VERSION_ARN, roleArn: ROLE_ARN, outputBaseUri: OUTPUT_BASE_URI, numResults: 40 });
    expect(deps.layout).toEqual({ bucket: DATA_BUCKET, inputPrefix: 'uploads/', configPrefix: 'settings/', stagingPrefix: 'copies/' });
  });

  it('marks progress in the table the environment names, through the clients it is given', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({});
    personalize.on(CreateBatchInferenceJobCommand).resolves({ batchInferenceJobArn: 'arn:aws:personalize:us-east-1:123456789012:batch-inference-job/x' });
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('no such key'), { name: 'NoSuchKey' }));
    const deps = startJobDependencies(ENV, { clients: clients() });

    // Act
    await deps.progress?.jobStarted({ runId: 'run-1', jobArn: 'arn:x', jobName: 'x', jobCreatedAt: '2026-01-15T10:00:00.000Z' });
    const config = await deps.configs.read(DATA_BUCKET, 'settings/users.json');

    // Assess
    expect(documents).toHaveReceivedCommandWith(UpdateCommand, { TableName: 'runs-table-from-env', Key: { runId: 'run-1' } });
    expect(config).toBeUndefined();
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: DATA_BUCKET, Key: 'settings/users.json' });
  });

  it('uses the clock it is given, for the run and for the slot queue', () => {
    // Prepare
    const now = () => 42;

    // Act
    const deps = startJobDependencies(ENV, { now });

    // Assess
    expect(deps.now).toBe(now);
  });

  it('takes each job type\'s slot count from MAX_CONCURRENT_JOBS and MAX_CONCURRENT_SEGMENT_JOBS (default 5)', () => {
    // Act & Assess
    expect(startJobDependencies(ENV).queues.BATCH_INFERENCE.maxConcurrentJobs).toBe(7);
    expect(startJobDependencies(ENV).queues.BATCH_SEGMENT.maxConcurrentJobs).toBe(5);
    expect(startJobDependencies({ ...ENV, MAX_CONCURRENT_SEGMENT_JOBS: '3' }).queues.BATCH_SEGMENT.maxConcurrentJobs).toBe(3);
    expect(startJobDependencies({ ...ENV, MAX_CONCURRENT_JOBS: undefined } as never).queues.BATCH_INFERENCE.maxConcurrentJobs).toBe(5);
    expect(() => startJobDependencies({ ...ENV, MAX_CONCURRENT_JOBS: '0' })).toThrow(/MAX_CONCURRENT_JOBS/);
    expect(() => startJobDependencies({ ...ENV, MAX_CONCURRENT_SEGMENT_JOBS: '0' })).toThrow(/MAX_CONCURRENT_SEGMENT_JOBS/);
  });

  it('takes where output events wake runs from DATA_BUCKET and OUTPUT_PREFIX, and names OUTPUT_PREFIX when it is missing', () => {
    // Act & Assess
    expect(startJobDependencies(ENV).outputEvents).toEqual({ bucket: DATA_BUCKET, prefix: 'results/' });
    expect(() => startJobDependencies({ ...ENV, OUTPUT_PREFIX: undefined } as never)).toThrow(/OUTPUT_PREFIX/);
  });

  it('drops the defaults it is told to clear, after reading the environment', () => {
    // Act
    const deps = startJobDependencies(ENV, { clearDefaults: ['roleArn'] });

    // Assess
    expect(deps.defaults).toEqual({ solutionVersionArn: SOLUTION_VERSION_ARN, outputBaseUri: OUTPUT_BASE_URI });
  });

  it.each(['PERSONALIZE_ROLE_ARN', 'OUTPUT_BASE_URI', 'DATA_BUCKET', 'RUNS_TABLE_NAME', 'JOB_SLOTS_TABLE_NAME'])('throws ConfigurationError naming %s when it is missing', (name) => {
    // Prepare
    const env: Record<string, string> = { ...ENV };
    delete env[name];

    // Act & Assess
    expect(() => composeStartJob(env)).toThrow(ConfigurationError);
    expect(() => composeStartJob(env)).toThrow(`Environment variable ${name} is not set`);
  });

  it('throws ConfigurationError when DEFAULT_NUM_RESULTS is 0', () => {
    expect(() => composeStartJob({ ...ENV, DEFAULT_NUM_RESULTS: '0' })).toThrow(new ConfigurationError('Environment variable DEFAULT_NUM_RESULTS must be at least 1'));
  });
});
