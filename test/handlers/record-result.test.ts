import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createRecordResultHandler } from '../../functions/record-result/create-handler';
import { DynamoDbRunsStore } from '../../src/adapters/runs-table';
import { executionRef, INPUT_PATH, pollState, runContext } from '../unit/support/sample-run';
import { lambdaContext } from './lambda-context';

const documents = mockClient(DynamoDBDocumentClient);
const TABLE = 'personalize-batch-dev-runs';
const COMPLETED_AT = '2026-01-15T11:00:00.000Z';

function handler() {
  return createRecordResultHandler(
    { store: new DynamoDbRunsStore(TABLE, { client: new DynamoDBClient({ region: 'us-east-1' }) }), now: () => Date.parse(COMPLETED_AT) },
    new Logger({ logLevel: 'SILENT' }),
  );
}

describe('record-result handler', () => {
  beforeEach(() => {
    documents.reset();
    documents.on(PutCommand).resolves({});
  });

  it('puts the succeeded run into the runs table and returns the record', async () => {
    // Prepare
    const execution = executionRef('run-1');
    const run = runContext({ runId: 'run-1' });

    // Act
    const record = await handler()(
      { outcome: 'SUCCEEDED', execution, state: { run, poll: pollState({ count: 4, status: 'ACTIVE', terminal: true, elapsedSeconds: 1500 }) } },
      lambdaContext(),
    );

    // Assess
    expect(documents).toReceiveCommandTimes(PutCommand, 1);
    expect(documents).toReceiveCommandWith(PutCommand, {
      TableName: TABLE,
      Item: {
        runId: 'run-1',
        executionArn: execution.arn,
        status: 'SUCCEEDED',
        startedAt: execution.startTime,
        completedAt: COMPLETED_AT,
        jobName: run.jobName,
        jobArn: run.jobArn,
        jobStatus: 'ACTIVE',
        adoptedExistingJob: false,
        jobCreatedAt: run.jobCreatedAt,
        solutionVersionArn: run.solutionVersionArn,
        inputPath: INPUT_PATH,
        outputPath: run.outputPath,
        outputLocation: run.outputLocation,
        numResults: 25,
        pollCount: 4,
        elapsedSeconds: 1500,
      },
    });
    expect(record).toEqual(documents.commandCalls(PutCommand)[0]?.args[0].input.Item);
  });

  it('puts a run whose start failed with the caught error and the raw input path', async () => {
    // Act
    await handler()(
      {
        outcome: 'FAILED',
        execution: executionRef('run-2'),
        state: {
          inputPath: INPUT_PATH,
          error: {
            Error: 'InvalidRunInputError',
            Cause: JSON.stringify({ errorType: 'InvalidRunInputError', errorMessage: 'Invalid run input: numResults: must be at least 1', trace: [] }),
          },
        },
      },
      lambdaContext(),
    );

    // Assess
    expect(documents).toReceiveCommandWith(PutCommand, {
      TableName: TABLE,
      Item: expect.objectContaining({
        runId: 'run-2',
        status: 'FAILED',
        inputPath: INPUT_PATH,
        errorType: 'InvalidRunInputError',
        failureReason: 'Invalid run input: numResults: must be at least 1',
      }),
    });
    const item = documents.commandCalls(PutCommand)[0]?.args[0].input.Item ?? {};
    expect(Object.values(item)).not.toContain(undefined);
    expect(item).not.toHaveProperty('jobArn');
  });

  it('lets a DynamoDB failure through so the state machine retries the step', async () => {
    // Prepare
    documents.on(PutCommand).rejects(Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' }));

    // Act & Assess
    await expect(
      handler()({ outcome: 'TIMED_OUT', execution: executionRef('run-3'), state: {} }, lambdaContext()),
    ).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
  });
});
