import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createRecordRunHandler } from '../../src/handlers/record-run';
import { DynamoDbRunsStore } from '../../src/adapters/runs-table';
import { executionRef, INPUT_PATH, pollState, runContext, verifiedOutput } from '../support/sample-run';
import { itemSetBy } from '../support/dynamodb-updates';
import { lambdaContext } from '../support/lambda-context';

const documents = mockClient(DynamoDBDocumentClient);
const TABLE = 'personalize-batch-dev-runs';
const COMPLETED_AT = '2026-01-15T11:00:00.000Z';

function handler() {
  return createRecordRunHandler(
    { store: new DynamoDbRunsStore(TABLE, { client: new DynamoDBClient({ region: 'us-east-1' }) }), now: () => Date.parse(COMPLETED_AT) },
    new Logger({ logLevel: 'SILENT' }),
  );
}

/** What the record step wrote: an update of the run's item (the trigger may have created it already). */
function writtenItem(index = 0): Record<string, unknown> {
  const input = documents.commandCalls(UpdateCommand)[index]?.args[0].input;
  if (!input) throw new Error(`No UpdateCommand #${index}`);
  expect(input.TableName).toBe(TABLE);
  return itemSetBy(input);
}

describe('record-run handler', () => {
  beforeEach(() => {
    documents.reset();
    documents.on(UpdateCommand).resolves({});
  });

  it('writes the succeeded run into the runs table and returns the record', async () => {
    // Prepare
    const execution = executionRef('run-1');
    const run = runContext({ runId: 'run-1' });

    // Act
    const record = await handler()(
      { execution, state: { run, poll: pollState({ count: 4, status: 'ACTIVE', terminal: true, elapsedSeconds: 1500 }), verification: verifiedOutput() } },
      lambdaContext(),
    );

    // Assess
    expect(documents).toReceiveCommandTimes(UpdateCommand, 1);
    expect(documents).toReceiveCommandWith(UpdateCommand, { TableName: TABLE, Key: { runId: 'run-1' } });
    expect(writtenItem()).toEqual({
      runId: 'run-1',
      executionArn: execution.arn,
      status: 'SUCCEEDED',
      jobType: 'BATCH_INFERENCE',
      startedAt: execution.startTime,
      completedAt: COMPLETED_AT,
      jobName: run.jobName,
      jobArn: run.jobArn,
      jobStatus: 'ACTIVE',
      adoptedExistingJob: false,
      jobCreatedAt: run.jobCreatedAt,
      solutionVersionArn: run.solutionVersionArn,
      inputPath: INPUT_PATH,
      jobInputPath: run.jobInputPath,
      outputPath: run.outputPath,
      outputLocation: run.outputLocation,
      numResults: 25,
      pollCount: 4,
      elapsedSeconds: 1500,
      outputFiles: 1,
      records: 3,
      errorRecords: 0,
      emptyRecords: 0,
      firstErrors: [],
      inputRecords: 3,
      maxErrorRate: 0.1,
    });
    expect(record).toEqual(writtenItem());
  });

  it('writes a run whose start failed with the caught error and the raw input path', async () => {
    // Act
    await handler()(
      {
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
    const item = writtenItem();
    expect(item).toEqual(
      expect.objectContaining({
        runId: 'run-2',
        status: 'FAILED',
        inputPath: INPUT_PATH,
        errorType: 'InvalidRunInputError',
        failureReason: 'Invalid run input: numResults: must be at least 1',
      }),
    );
    expect(Object.values(item)).not.toContain(undefined);
    expect(item).not.toHaveProperty('jobArn');
  });

  it('lets a DynamoDB failure through so the state machine retries the step', async () => {
    // Prepare
    documents.on(UpdateCommand).rejects(Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' }));

    // Act & Assess
    await expect(
      handler()({ execution: executionRef('run-3'), state: {} }, lambdaContext()),
    ).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
  });
});
