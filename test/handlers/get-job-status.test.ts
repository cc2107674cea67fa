import { Logger } from '@aws-lambda-powertools/logger';
import { DescribeBatchInferenceJobCommand, LimitExceededException, PersonalizeClient, ResourceNotFoundException } from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import { createGetJobStatusHandler } from '../../src/handlers/get-job-status';
import { PersonalizeBatchJobs } from '../../src/adapters/personalize-jobs';
import { jobArnFor, policy, runState } from '../support/sample-run';
import { lambdaContext } from '../support/lambda-context';

const personalize = mockClient(PersonalizeClient);
const JOB_ARN = jobArnFor('run-1');
const CREATED_AT = '2026-01-15T10:00:00.000Z';
const state = runState({ runId: 'run-1', jobArn: JOB_ARN, jobCreatedAt: CREATED_AT, polling: policy({ maxElapsedSeconds: 7200, maxPolls: 100 }) }, { count: 1 });

function handler(secondsAfterCreation = 300) {
  return createGetJobStatusHandler(
    {
      jobs: new PersonalizeBatchJobs({ client: new PersonalizeClient({ region: 'us-east-1' }) }),
      now: () => Date.parse(CREATED_AT) + secondsAfterCreation * 1000,
    },
    new Logger({ logLevel: 'SILENT' }),
  );
}

function describesAs(status: string, failureReason?: string): void {
  personalize.on(DescribeBatchInferenceJobCommand).resolves({
    batchInferenceJob: {
      jobName: 'run-1',
      batchInferenceJobArn: JOB_ARN,
      status,
      ...(failureReason && { failureReason }),
      creationDateTime: new Date(CREATED_AT),
      lastUpdatedDateTime: new Date('2026-01-15T10:04:00.000Z'),
    },
  });
}

describe('get-job-status handler', () => {
  beforeEach(() => {
    personalize.reset();
  });

  it('describes the run’s job and returns the next poll state with next POLL', async () => {
    // Prepare
    describesAs('IN PROGRESS');

    // Act
    const next = await handler(300)(state, lambdaContext());

    // Assess
    expect(personalize).toReceiveCommandWith(DescribeBatchInferenceJobCommand, { batchInferenceJobArn: JOB_ARN });
    expect(next).toEqual({
      next: 'POLL',
      run: state.run,
      poll: { count: 2, status: 'IN PROGRESS', terminal: false, timedOut: false, failureReason: null, waitSeconds: 90, elapsedSeconds: 300 },
    });
  });

  it('ends the loop with next VERIFY when the job is ACTIVE', async () => {
    // Prepare
    describesAs('ACTIVE');

    // Act
    const next = await handler(900)(state, lambdaContext());

    // Assess
    expect(next.next).toBe('VERIFY');
    expect(next.poll).toMatchObject({ status: 'ACTIVE', terminal: true, waitSeconds: 0 });
  });

  it('carries the failure reason when the job is CREATE FAILED', async () => {
    // Prepare
    describesAs('CREATE FAILED', 'Access Denied on s3://personalize-batch-dev-data/input/users.jsonl');

    // Act
    const next = await handler(900)(state, lambdaContext());

    // Assess
    expect(next.poll).toMatchObject({ terminal: true, failureReason: 'Access Denied on s3://personalize-batch-dev-data/input/users.jsonl' });
  });

  it('times the run out once the job has run for maxWaitSeconds', async () => {
    // Prepare
    describesAs('IN PROGRESS');

    // Act
    const next = await handler(7200)(state, lambdaContext());

    // Assess
    expect(next.poll).toMatchObject({ timedOut: true, terminal: false, waitSeconds: 0, elapsedSeconds: 7200 });
  });

  it('throws JobLostError when Personalize no longer knows the job', async () => {
    // Prepare
    personalize.on(DescribeBatchInferenceJobCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: { httpStatusCode: 400 } }));

    // Act & Assess
    await expect(handler()(state, lambdaContext())).rejects.toMatchObject({
      name: 'JobLostError',
      message: `Batch inference job ${JOB_ARN} does not exist`,
    });
  });

  it('throws JobLostError when Describe returns no job', async () => {
    // Prepare
    personalize.on(DescribeBatchInferenceJobCommand).resolves({});

    // Act & Assess
    await expect(handler()(state, lambdaContext())).rejects.toMatchObject({ name: 'JobLostError' });
  });

  it('throws PersonalizeBusyError when Describe is throttled', async () => {
    // Prepare
    personalize.on(DescribeBatchInferenceJobCommand).rejects(new LimitExceededException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }));

    // Act & Assess
    await expect(handler()(state, lambdaContext())).rejects.toMatchObject({ name: 'PersonalizeBusyError' });
  });
});
