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
import { mockClient } from 'aws-sdk-client-mock';
import { createStartJobHandler } from '../../functions/start-job/create-handler';
import { PersonalizeBatchJobs } from '../../src/adapters/personalize-jobs';
import {
  executionRef,
  FILTER_ARN,
  INPUT_PATH,
  jobArnFor,
  KMS_KEY_ARN,
  OUTPUT_BASE_URI,
  ROLE_ARN,
  SOLUTION_VERSION_ARN,
} from '../unit/support/sample-run';
import { lambdaContext } from './lambda-context';

const personalize = mockClient(PersonalizeClient);
const NOW = Date.parse('2026-01-15T10:00:05.000Z');
const RUN_ID = 'run-2026-01-15-users';
const JOB_ARN = jobArnFor(RUN_ID);

function handler() {
  return createStartJobHandler(
    {
      jobs: new PersonalizeBatchJobs({ client: new PersonalizeClient({ region: 'us-east-1' }) }),
      defaults: { solutionVersionArn: SOLUTION_VERSION_ARN, roleArn: ROLE_ARN, outputBaseUri: OUTPUT_BASE_URI, numResults: 25 },
      now: () => NOW,
    },
    new Logger({ logLevel: 'SILENT' }),
  );
}

const awsError = <T>(ErrorClass: new (options: { message: string; $metadata: object }) => T, message: string): T =>
  new ErrorClass({ message, $metadata: { httpStatusCode: 400 } });

describe('start-job handler', () => {
  beforeEach(() => {
    personalize.reset();
  });

  it('creates the job with the stage defaults and returns the run state', async () => {
    // Prepare
    personalize.on(CreateBatchInferenceJobCommand).resolves({ batchInferenceJobArn: JOB_ARN });

    // Act
    const state = await handler()({ input: { inputPath: INPUT_PATH }, execution: executionRef(RUN_ID) }, lambdaContext());

    // Assess
    expect(personalize).toReceiveCommandTimes(CreateBatchInferenceJobCommand, 1);
    expect(personalize).toReceiveCommandWith(CreateBatchInferenceJobCommand, {
      jobName: RUN_ID,
      solutionVersionArn: SOLUTION_VERSION_ARN,
      roleArn: ROLE_ARN,
      jobInput: { s3DataSource: { path: INPUT_PATH, kmsKeyArn: undefined } },
      jobOutput: { s3DataDestination: { path: `${OUTPUT_BASE_URI}${RUN_ID}/`, kmsKeyArn: undefined } },
      numResults: 25,
    });
    expect(personalize).not.toReceiveCommand(DescribeBatchInferenceJobCommand);
    expect(state.run).toMatchObject({ runId: RUN_ID, jobArn: JOB_ARN, adoptedExistingJob: false, jobCreatedAt: '2026-01-15T10:00:05.000Z' });
    expect(state.poll).toMatchObject({ count: 0, waitSeconds: 60, terminal: false });
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
      jobInput: { s3DataSource: { path: INPUT_PATH, kmsKeyArn: KMS_KEY_ARN } },
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
        jobName: RUN_ID,
        batchInferenceJobArn: JOB_ARN,
        solutionVersionArn: SOLUTION_VERSION_ARN,
        roleArn: ROLE_ARN,
        jobInput: { s3DataSource: { path: INPUT_PATH } },
        jobOutput: { s3DataDestination: { path: `${OUTPUT_BASE_URI}${RUN_ID}/` } },
        status: 'IN PROGRESS',
        creationDateTime: new Date('2026-01-15T09:58:00.000Z'),
      },
    });

    // Act
    const state = await handler()({ input: { inputPath: INPUT_PATH }, execution: executionRef(RUN_ID) }, lambdaContext());

    // Assess
    expect(personalize).toReceiveCommandWith(DescribeBatchInferenceJobCommand, { batchInferenceJobArn: JOB_ARN });
    expect(state.run).toMatchObject({ jobArn: JOB_ARN, adoptedExistingJob: true, jobCreatedAt: '2026-01-15T09:58:00.000Z' });
  });

  it('refuses to adopt a job with the same name and a different input, as JobRejectedError', async () => {
    // Prepare
    personalize.on(CreateBatchInferenceJobCommand).rejects(awsError(ResourceAlreadyExistsException, 'already exists'));
    personalize.on(DescribeBatchInferenceJobCommand).resolves({
      batchInferenceJob: {
        jobName: RUN_ID,
        batchInferenceJobArn: JOB_ARN,
        solutionVersionArn: SOLUTION_VERSION_ARN,
        jobInput: { s3DataSource: { path: 's3://personalize-batch-dev-data/input/other.jsonl' } },
        jobOutput: { s3DataDestination: { path: `${OUTPUT_BASE_URI}${RUN_ID}/` } },
        status: 'ACTIVE',
      },
    });

    // Act
    const attempt = handler()({ input: { inputPath: INPUT_PATH }, execution: executionRef(RUN_ID) }, lambdaContext());

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'JobRejectedError', message: expect.stringContaining('inputPath is s3://personalize-batch-dev-data/input/other.jsonl') });
  });

  it('turns LimitExceededException into PersonalizeBusyError', async () => {
    // Prepare
    personalize.on(CreateBatchInferenceJobCommand).rejects(awsError(LimitExceededException, 'The limit of 5 pending or in progress batch inference jobs has been reached'));

    // Act
    const attempt = handler()({ input: { inputPath: INPUT_PATH }, execution: executionRef(RUN_ID) }, lambdaContext());

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'PersonalizeBusyError',
      message: 'Personalize is busy (LimitExceededException): The limit of 5 pending or in progress batch inference jobs has been reached',
    });
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
