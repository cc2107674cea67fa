import { Logger } from '@aws-lambda-powertools/logger';
import {
  CreateBatchInferenceJobCommand,
  DescribeBatchInferenceJobCommand,
  InvalidInputException,
  LimitExceededException,
  PersonalizeClient,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize';
import { CopyObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createStartJobHandler } from '../../src/handlers/start-job';
import { PersonalizeBatchJobs } from '../../src/adapters/personalize-jobs';
import { DataBucketObjects } from '../../src/adapters/s3-objects';
import type { RunState } from '../../src/domain/run';
import type { StartJobDependencies, StartJobResult } from '../../src/use-cases/start-job';
import {
  DATA_BUCKET,
  derivedJobName,
  executionRef,
  FILTER_ARN,
  INPUT_PATH,
  jobArnFor,
  KMS_KEY_ARN,
  LAYOUT,
  OUTPUT_BASE_URI,
  ROLE_ARN,
  SOLUTION_VERSION_ARN,
  stagedFolder,
} from '../support/sample-run';
import { lambdaContext } from '../support/lambda-context';
import { fakeSlotQueues } from '../support/fake-job-slots';

const personalize = mockClient(PersonalizeClient);
const s3 = mockClient(S3Client);
const NOW = Date.parse('2026-01-15T10:00:05.000Z');
const RUN_ID = 'run-2026-01-15-users';
const JOB_NAME = derivedJobName(RUN_ID);
const JOB_ARN = jobArnFor(JOB_NAME);
const STAGED = stagedFolder(RUN_ID);
const LIMIT_MESSAGE = 'The limit of 5 pending or in progress batch inference jobs has been reached';

function handler(extra: Partial<StartJobDependencies> = {}, logger = new Logger({ logLevel: 'SILENT' })) {
  const bucket = new DataBucketObjects({ client: new S3Client({ region: 'us-east-1' }) });
  return createStartJobHandler(
    {
      jobs: new PersonalizeBatchJobs({ client: new PersonalizeClient({ region: 'us-east-1' }) }),
      defaults: { solutionVersionArn: SOLUTION_VERSION_ARN, roleArn: ROLE_ARN, outputBaseUri: OUTPUT_BASE_URI, numResults: 25 },
      layout: LAYOUT,
      configs: bucket,
      staging: bucket,
      now: () => NOW,
      queues: fakeSlotQueues(5, () => NOW),
      ...extra,
    },
    logger,
  );
}

/** The run state of a start that got its job; fails the test on a capacity state. */
function started(result: StartJobResult): RunState {
  if (!('run' in result)) throw new Error(`Expected the job to start, got ${JSON.stringify(result)}`);
  return result;
}

/** A GetObject answer as the SDK gives it: a body that can be read as text. */
function objectBody(text: string) {
  return { Body: { transformToString: async () => text } as never };
}

const awsError = <T>(ErrorClass: new (options: { message: string; $metadata: object }) => T, message: string): T =>
  new ErrorClass({ message, $metadata: { httpStatusCode: 400 } });

describe('start-job handler', () => {
  beforeEach(() => {
    personalize.reset();
    s3.reset();
    // By default no job group has a configuration file, and staging copies succeed.
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }));
    s3.on(CopyObjectCommand).resolves({});
    // What the start step writes to the bucket (a queued run's resolved start) reads back.
    s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: string }) => {
      s3.on(GetObjectCommand, { Key: input.Key }).resolves(objectBody(input.Body));
      return {};
    });
  });

  it('creates the job with the stage defaults and returns the run state', async () => {
    // Prepare
    personalize.on(CreateBatchInferenceJobCommand).resolves({ batchInferenceJobArn: JOB_ARN });

    // Act
    const state = started(await handler()({ input: { inputPath: INPUT_PATH }, execution: executionRef(RUN_ID) }, lambdaContext()));

    // Assess
    expect(s3).toReceiveCommandWith(GetObjectCommand, { Bucket: DATA_BUCKET, Key: 'config/default.json' });
    expect(s3).toReceiveCommandWith(CopyObjectCommand, {
      Bucket: DATA_BUCKET,
      Key: `staging/${RUN_ID}/users.jsonl`,
      CopySource: `${DATA_BUCKET}/input/users.jsonl`,
      TaggingDirective: 'REPLACE',
    });
    expect(personalize).toReceiveCommandTimes(CreateBatchInferenceJobCommand, 1);
    expect(JOB_NAME).toMatch(new RegExp(`^${RUN_ID}-[0-9a-f]{16}$`));
    expect(personalize).toReceiveCommandWith(CreateBatchInferenceJobCommand, {
      jobName: JOB_NAME,
      solutionVersionArn: SOLUTION_VERSION_ARN,
      roleArn: ROLE_ARN,
      jobInput: { s3DataSource: { path: STAGED, kmsKeyArn: undefined } },
      jobOutput: { s3DataDestination: { path: `${OUTPUT_BASE_URI}${RUN_ID}/`, kmsKeyArn: undefined } },
      numResults: 25,
    });
    expect(personalize).not.toReceiveCommand(DescribeBatchInferenceJobCommand);
    expect(state.run).toMatchObject({
      runId: RUN_ID,
      jobName: JOB_NAME,
      jobArn: JOB_ARN,
      adoptedExistingJob: false,
      jobCreatedAt: '2026-01-15T10:00:05.000Z',
      inputPath: INPUT_PATH,
      jobInputPath: STAGED,
      jobGroup: 'default',
    });
    expect(state.poll).toMatchObject({ count: 0, waitSeconds: 600, terminal: false });
  });

  it('passes every optional member through to CreateBatchInferenceJob', async () => {
    // Prepare
    personalize.on(CreateBatchInferenceJobCommand).resolves({ batchInferenceJobArn: jobArnFor('themes-2026-01-15') });
    const input = {
      inputPath: INPUT_PATH,
      outputPath: 's3://personalize-batch-dev-data/output/themes/',
      jobName: 'themes-2026-01-15',
      numResults: 10,
      filterArn: FILTER_ARN,
      batchInferenceJobConfig: { itemExplorationConfig: { explorationWeight: '0.3', explorationItemAgeCutOff: '30' } },
      batchInferenceJobMode: 'THEME_GENERATION',
      themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'TITLE' } },
      inputKmsKeyArn: KMS_KEY_ARN,
      outputKmsKeyArn: `${KMS_KEY_ARN}-out`,
      tags: [{ tagKey: 'team', tagValue: 'recs' }],
    };

    // Act
    await handler()({ input, execution: executionRef(RUN_ID) }, lambdaContext());

    // Assess
    expect(personalize).toReceiveCommandWith(CreateBatchInferenceJobCommand, {
      jobName: 'themes-2026-01-15',
      solutionVersionArn: SOLUTION_VERSION_ARN,
      roleArn: ROLE_ARN,
      jobInput: { s3DataSource: { path: STAGED, kmsKeyArn: KMS_KEY_ARN } },
      jobOutput: { s3DataDestination: { path: 's3://personalize-batch-dev-data/output/themes/', kmsKeyArn: `${KMS_KEY_ARN}-out` } },
      numResults: 10,
      filterArn: FILTER_ARN,
      batchInferenceJobConfig: { itemExplorationConfig: { explorationWeight: '0.3', explorationItemAgeCutOff: '30' } },
      batchInferenceJobMode: 'THEME_GENERATION',
      themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'TITLE' } },
      tags: [{ tagKey: 'team', tagValue: 'recs' }],
    });
  });

  it('adopts the existing job when the name is already in use for the same request', async () => {
    // Prepare
    personalize.on(CreateBatchInferenceJobCommand).rejects(awsError(ResourceAlreadyExistsException, `Batch inference job ${JOB_ARN} already exists`));
    personalize.on(DescribeBatchInferenceJobCommand, { batchInferenceJobArn: JOB_ARN }).resolves({
      batchInferenceJob: {
        jobName: JOB_NAME,
        batchInferenceJobArn: JOB_ARN,
        solutionVersionArn: SOLUTION_VERSION_ARN,
        roleArn: ROLE_ARN,
        numResults: 25,
        jobInput: { s3DataSource: { path: STAGED } },
        jobOutput: { s3DataDestination: { path: `${OUTPUT_BASE_URI}${RUN_ID}/` } },
        status: 'IN PROGRESS',
        // A retried start: the first attempt created it two seconds after the execution started.
        creationDateTime: new Date('2026-01-15T10:00:02.000Z'),
      },
    });

    // Act
    const state = started(await handler()({ input: { inputPath: INPUT_PATH }, execution: executionRef(RUN_ID) }, lambdaContext()));

    // Assess
    expect(personalize).toReceiveCommandWith(DescribeBatchInferenceJobCommand, { batchInferenceJobArn: JOB_ARN });
    expect(state.run).toMatchObject({ jobArn: JOB_ARN, adoptedExistingJob: true, jobCreatedAt: '2026-01-15T10:00:02.000Z' });
  });

  it('refuses a job under its derived name that reads another input: no run reports a job it did not start', async () => {
    // Prepare
    personalize.on(CreateBatchInferenceJobCommand).rejects(awsError(ResourceAlreadyExistsException, 'already exists'));
    personalize.on(DescribeBatchInferenceJobCommand, { batchInferenceJobArn: JOB_ARN }).resolves({
      batchInferenceJob: {
        jobName: JOB_NAME,
        batchInferenceJobArn: JOB_ARN,
        solutionVersionArn: SOLUTION_VERSION_ARN,
        jobInput: { s3DataSource: { path: 's3://personalize-batch-dev-data/input/other.jsonl' } },
        jobOutput: { s3DataDestination: { path: `${OUTPUT_BASE_URI}${RUN_ID}/` } },
        status: 'ACTIVE',
        creationDateTime: new Date('2026-01-15T10:00:02.000Z'),
      },
    });

    // Act
    const attempt = handler()({ input: { inputPath: INPUT_PATH }, execution: executionRef(RUN_ID) }, lambdaContext());

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'JobRejectedError', message: expect.stringContaining(`Job name ${JOB_NAME} is already used by a different batch inference job`) });
  });

  it('refuses to adopt a job under the input’s jobName that reads a different input, as JobRejectedError', async () => {
    // Prepare
    const jobArn = jobArnFor('my-own-job');
    personalize.on(CreateBatchInferenceJobCommand).rejects(awsError(ResourceAlreadyExistsException, 'already exists'));
    personalize.on(DescribeBatchInferenceJobCommand, { batchInferenceJobArn: jobArn }).resolves({
      batchInferenceJob: {
        jobName: 'my-own-job',
        batchInferenceJobArn: jobArn,
        solutionVersionArn: SOLUTION_VERSION_ARN,
        jobInput: { s3DataSource: { path: 's3://personalize-batch-dev-data/input/other.jsonl' } },
        jobOutput: { s3DataDestination: { path: `${OUTPUT_BASE_URI}${RUN_ID}/` } },
        status: 'ACTIVE',
        creationDateTime: new Date('2026-01-15T10:00:02.000Z'),
      },
    });

    // Act
    const attempt = handler()({ input: { inputPath: INPUT_PATH, jobName: 'my-own-job' }, execution: executionRef(RUN_ID) }, lambdaContext());

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'JobRejectedError', message: expect.stringContaining('inputPath is s3://personalize-batch-dev-data/input/other.jsonl') });
  });

  it('returns the queued state and WAIT_FOR_CAPACITY when Personalize answers LimitExceededException', async () => {
    // Prepare
    personalize.on(CreateBatchInferenceJobCommand).rejects(awsError(LimitExceededException, LIMIT_MESSAGE));

    // Act: the first attempt, as "Receive run request" hands it over (`queued` null).
    const result = await handler()({ input: { inputPath: INPUT_PATH }, execution: executionRef(RUN_ID), queued: null }, lambdaContext());

    // Assess
    expect(result).toEqual({
      next: 'WAIT_FOR_CAPACITY',
      queued: {
        since: new Date(NOW).toISOString(),
        attempts: 1,
        waitSeconds: 21_600,
        lastRefusal: `Personalize is busy (LimitExceededException): ${LIMIT_MESSAGE}`,
        jobName: JOB_NAME,
        jobType: 'BATCH_INFERENCE',
        priority: 5,
        resolved: { uri: `s3://${DATA_BUCKET}/staging/${RUN_ID}.start.json`, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      },
    });
    expect(s3).toReceiveCommandTimes(CopyObjectCommand, 1);
    expect(s3).toReceiveCommandWith(PutObjectCommand, { Bucket: DATA_BUCKET, Key: `staging/${RUN_ID}.start.json` });
  });

  it('counts the next refusal without reading the configuration or copying the input again', async () => {
    // Prepare: the first refusal's queued state, as Step Functions hands it back (JSON).
    personalize.on(CreateBatchInferenceJobCommand).rejects(awsError(LimitExceededException, LIMIT_MESSAGE));
    const first = JSON.parse(JSON.stringify(await handler()({ input: { inputPath: INPUT_PATH }, execution: executionRef(RUN_ID) }, lambdaContext()))) as {
      queued: { since: string; resolved: unknown };
    };
    s3.resetHistory();
    personalize.resetHistory();

    // Act
    const result = await handler()({ input: { inputPath: INPUT_PATH }, execution: executionRef(RUN_ID), queued: first.queued }, lambdaContext());

    // Assess
    expect(result).toEqual({
      next: 'WAIT_FOR_CAPACITY',
      queued: expect.objectContaining({ attempts: 2, since: first.queued.since, resolved: first.queued.resolved }),
    });
    // One read: the resolved start the first attempt kept; no configuration read, no copy, no write.
    expect(s3).toReceiveCommandTimes(GetObjectCommand, 1);
    expect(s3).toReceiveCommandWith(GetObjectCommand, { Bucket: DATA_BUCKET, Key: `staging/${RUN_ID}.start.json` });
    expect(s3).toReceiveCommandTimes(CopyObjectCommand, 0);
    expect(s3).toReceiveCommandTimes(PutObjectCommand, 0);
    expect(personalize).toReceiveCommandWith(CreateBatchInferenceJobCommand, { jobName: JOB_NAME, jobInput: { s3DataSource: { path: STAGED, kmsKeyArn: undefined } } });
  });

  it('gives up as CapacityWaitExceededError when the run’s maxQueueSeconds is spent', async () => {
    // Prepare: a run queued since fifteen minutes ago, refused six times.
    personalize.on(CreateBatchInferenceJobCommand).rejects(awsError(LimitExceededException, LIMIT_MESSAGE));
    const input = { inputPath: INPUT_PATH, maxQueueSeconds: 900 };
    const first = JSON.parse(JSON.stringify(await handler()({ input, execution: executionRef(RUN_ID) }, lambdaContext()))) as { queued: Record<string, unknown> };
    const queued = { ...first.queued, since: '2026-01-15T09:45:05.000Z', attempts: 6, waitSeconds: 300 };

    // Act
    const attempt = handler()({ input, execution: executionRef(RUN_ID), queued }, lambdaContext());

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'CapacityWaitExceededError',
      message: expect.stringContaining('Still 1st in the queue for a Personalize job slot after 900 s (maxQueueSeconds 900)'),
    });
  });

  it('reads the job group’s configuration file from the data bucket', async () => {
    // Prepare
    s3.on(GetObjectCommand, { Bucket: DATA_BUCKET, Key: 'config/users.json' }).resolves(objectBody(JSON.stringify({ numResults: 50, filterArn: FILTER_ARN })));
    personalize.on(CreateBatchInferenceJobCommand).resolves({ batchInferenceJobArn: JOB_ARN });

    // Act
    const state = started(
      await handler()({ input: { inputPath: `s3://${DATA_BUCKET}/input/users/2026-01-15.jsonl` }, execution: executionRef(RUN_ID) }, lambdaContext()),
    );

    // Assess
    expect(s3).toReceiveCommandWith(GetObjectCommand, { Bucket: DATA_BUCKET, Key: 'config/users.json' });
    expect(personalize).toReceiveCommandWith(CreateBatchInferenceJobCommand, { numResults: 50, filterArn: FILTER_ARN });
    expect(state.run.jobGroup).toBe('users');
  });

  it('refuses a configuration file that is not JSON as InvalidRunInputError naming the file', async () => {
    // Prepare
    s3.on(GetObjectCommand, { Key: 'config/users.json' }).resolves(objectBody('numResults: 50'));

    // Act
    const attempt = handler()({ input: { inputPath: `s3://${DATA_BUCKET}/input/users/2026-01-15.jsonl` }, execution: executionRef(RUN_ID) }, lambdaContext());

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'InvalidRunInputError',
      message: expect.stringContaining(`s3://${DATA_BUCKET}/config/users.json: is not valid JSON`),
    });
    expect(personalize).not.toReceiveAnyCommand();
  });

  it('refuses a named job group without a configuration file', async () => {
    // Act
    const attempt = handler()({ input: { inputPath: INPUT_PATH, jobGroup: 'nightly' }, execution: executionRef(RUN_ID) }, lambdaContext());

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'InvalidRunInputError', issues: [expect.objectContaining({ field: 'jobGroup' })] });
    expect(s3).not.toReceiveCommand(CopyObjectCommand);
    expect(personalize).not.toReceiveAnyCommand();
  });

  it('lets an S3 error other than a missing key through, rather than running without the configuration', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));

    // Act
    const attempt = handler()({ input: { inputPath: INPUT_PATH }, execution: executionRef(RUN_ID) }, lambdaContext());

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(personalize).not.toReceiveAnyCommand();
  });

  it('copies the uploaded version, with the key URL-encoded in CopySource', async () => {
    // Prepare
    personalize.on(CreateBatchInferenceJobCommand).resolves({ batchInferenceJobArn: JOB_ARN });
    const key = 'input/users 2026+01+15.jsonl';
    const source = { type: 's3', bucket: DATA_BUCKET, key, versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko' };

    // Act
    await handler()({ input: { inputPath: `s3://${DATA_BUCKET}/${key}`, source }, execution: executionRef(RUN_ID) }, lambdaContext());

    // Assess
    expect(s3).toReceiveCommandWith(CopyObjectCommand, {
      Bucket: DATA_BUCKET,
      Key: `staging/${RUN_ID}/users 2026+01+15.jsonl`,
      CopySource: `${DATA_BUCKET}/input/users%202026%2B01%2B15.jsonl?versionId=096fKKXTRTtl3on89fVO.nfljtsv6qko`,
      TaggingDirective: 'REPLACE',
    });
    expect(personalize).toReceiveCommandWith(CreateBatchInferenceJobCommand, { jobInput: { s3DataSource: { path: STAGED, kmsKeyArn: undefined } } });
  });

  it('replaces the tags on the staged copy, so a tagged upload needs no tagging permissions', async () => {
    // Prepare
    personalize.on(CreateBatchInferenceJobCommand).resolves({ batchInferenceJobArn: JOB_ARN });

    // Act
    await handler()({ input: { inputPath: INPUT_PATH }, execution: executionRef(RUN_ID) }, lambdaContext());

    // Assess
    const copies = s3.commandCalls(CopyObjectCommand);
    expect(copies).toHaveLength(1);
    expect(copies[0]!.args[0].input.TaggingDirective).toBe('REPLACE');
    expect(copies[0]!.args[0].input.Tagging).toBeUndefined();
  });

  it('does not start the job when the staging copy is denied, and fails under S3’s own error name naming the copy', async () => {
    // Prepare
    s3.on(CopyObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));

    // Act
    const attempt = handler()({ input: { inputPath: INPUT_PATH }, execution: executionRef(RUN_ID) }, lambdaContext());

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'AccessDenied',
      message: `Staging ${INPUT_PATH} to s3://${DATA_BUCKET}/staging/${RUN_ID}/users.jsonl failed: Access Denied`,
    });
    expect(personalize).not.toReceiveAnyCommand();
  });

  it('refuses an input whose file does not exist as InvalidRunInputError, without starting the job', async () => {
    // Prepare
    s3.on(CopyObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }));

    // Act
    const attempt = handler()({ input: { inputPath: INPUT_PATH }, execution: executionRef(RUN_ID) }, lambdaContext());

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'InvalidRunInputError', issues: [{ field: 'inputPath', message: `names ${INPUT_PATH}, which does not exist` }] });
    expect(personalize).not.toReceiveAnyCommand();
  });

  it('returns the started run and logs a warning when the runs table refuses the RUNNING mark', async () => {
    // Prepare
    personalize.on(CreateBatchInferenceJobCommand).resolves({ batchInferenceJobArn: JOB_ARN });
    const logger = new Logger({ logLevel: 'SILENT' });
    const warn = jest.spyOn(logger, 'warn');
    const progress = {
      jobStarted: async () => {
        throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
      },
      waitingForCapacity: async () => undefined,
    };

    // Act
    const state = started(await handler({ progress }, logger)({ input: { inputPath: INPUT_PATH }, execution: executionRef(RUN_ID) }, lambdaContext()));

    // Assess
    expect(state.run).toMatchObject({ jobArn: JOB_ARN, adoptedExistingJob: false });
    expect(warn).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ error: expect.stringContaining('ProvisionedThroughputExceededException') }));
  });

  it('reads an input in another bucket in place, without S3 calls', async () => {
    // Prepare
    personalize.on(CreateBatchInferenceJobCommand).resolves({ batchInferenceJobArn: JOB_ARN });

    // Act
    await handler()({ input: { inputPath: 's3://partner-exports/users.jsonl' }, execution: executionRef(RUN_ID) }, lambdaContext());

    // Assess
    expect(s3).not.toReceiveAnyCommand();
    expect(personalize).toReceiveCommandWith(CreateBatchInferenceJobCommand, { jobInput: { s3DataSource: { path: 's3://partner-exports/users.jsonl', kmsKeyArn: undefined } } });
  });

  it.each([
    ['InvalidInputException', awsError(InvalidInputException, 'numResults must be at most 500')],
    ['ResourceNotFoundException', awsError(ResourceNotFoundException, 'Solution version not found')],
  ])('turns %s into JobRejectedError carrying the Personalize error type', async (errorType, error) => {
    // Prepare
    personalize.on(CreateBatchInferenceJobCommand).rejects(error);

    // Act
    const attempt = handler()({ input: { inputPath: INPUT_PATH }, execution: executionRef(RUN_ID) }, lambdaContext());

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'JobRejectedError',
      personalizeErrorType: errorType,
      message: `Personalize rejected the job (${errorType}): ${error.message}`,
    });
  });

  it('lets an unexpected error through with its own name', async () => {
    // Prepare
    personalize.on(CreateBatchInferenceJobCommand).rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));

    // Act & Assess
    await expect(handler()({ input: { inputPath: INPUT_PATH }, execution: executionRef(RUN_ID) }, lambdaContext())).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });

  it('refuses invalid input as InvalidRunInputError without calling Personalize', async () => {
    // Act
    const attempt = handler()(
      { input: { inputPath: INPUT_PATH, batchInferenceJobMode: 'THEME_GENERATION', unknownField: 1 }, execution: executionRef(RUN_ID) },
      lambdaContext(),
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'InvalidRunInputError',
      issues: expect.arrayContaining([
        { field: 'unknownField', message: 'is not a known field' },
      ]),
    });
    expect(personalize).not.toReceiveAnyCommand();
  });
});
