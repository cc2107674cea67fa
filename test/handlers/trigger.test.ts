import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { S3Event } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createTriggerHandler } from '../../src/handlers/trigger';
import { StepFunctionsExecutions } from '../../src/adapters/executions';
import { DynamoDbRunsStore } from '../../src/adapters/runs-table';
import { DataBucketObjects } from '../../src/adapters/s3-objects';
import mixedRecordsEvent from '../fixtures/s3-mixed-records-event.json';
import putEvent from '../fixtures/s3-put-event.json';
import testEvent from '../fixtures/s3-test-event.json';
import eventBridgeEvent from '../fixtures/eventbridge-object-created-event.json';
import scheduledRuleEvent from '../fixtures/scheduled-rule-event.json';
import schedulerInvocation from '../fixtures/scheduler-invocation.json';
import { DATA_BUCKET, s3Event, STATE_MACHINE_ARN, PUT_FIXTURE_RUN_INPUT } from '../support/sample-run';
import { lambdaContext } from '../support/lambda-context';

const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);
const documents = mockClient(DynamoDBDocumentClient);
const EXECUTION_NAME = /^upload-users-2026-01-15-jsonl-[0-9a-f]{16}$/;
const TABLE = 'personalize-batch-dev-runs';
const NOW = Date.parse('2026-01-15T10:21:34.000Z');

function handler() {
  return createTriggerHandler(
    {
      executions: new StepFunctionsExecutions(STATE_MACHINE_ARN, { client: new SFNClient({ region: 'us-east-1' }) }),
      objects: new DataBucketObjects({ client: new S3Client({ region: 'us-east-1' }) }),
      ledger: new DynamoDbRunsStore(TABLE, { client: new DynamoDBClient({ region: 'us-east-1' }) }),
      filter: { inputPrefix: 'input/' },
      dataBucket: DATA_BUCKET,
      now: () => NOW,
    },
    new Logger({ logLevel: 'SILENT' }),
  );
}

function startedInput(index = 0): unknown {
  const input = sfn.commandCalls(StartExecutionCommand)[index]?.args[0].input.input;
  return input === undefined ? undefined : JSON.parse(input);
}

describe('trigger handler', () => {
  beforeEach(() => {
    sfn.reset();
    s3.reset();
    documents.reset();
    // No item before the update (ReturnValues ALL_OLD): the first delivery of a new run.
    documents.on(UpdateCommand).resolves({});
    documents.on(PutCommand).resolves({});
    sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
      executionArn: `arn:aws:states:us-east-1:123456789012:execution:personalize-batch-dev:${input.name}`,
      startDate: new Date('2026-01-15T10:21:34.000Z'),
    }));
  });

  it('starts the state machine for an uploaded file with a deterministic name and the run input', async () => {
    // Act
    const summary = await handler()(s3Event(putEvent), lambdaContext());

    // Assess
    expect(sfn).toReceiveCommandTimes(StartExecutionCommand, 1);
    expect(sfn).toReceiveCommandWith(StartExecutionCommand, { stateMachineArn: STATE_MACHINE_ARN, name: expect.stringMatching(EXECUTION_NAME) });
    expect(startedInput()).toEqual(PUT_FIXTURE_RUN_INPUT);
    const name = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.name;
    expect(summary.started).toEqual([
      { key: 'input/users 2026-01-15.jsonl', executionName: name, executionArn: `arn:aws:states:us-east-1:123456789012:execution:personalize-batch-dev:${name}` },
    ]);
    expect(documents).toReceiveCommandWith(UpdateCommand, {
      TableName: TABLE,
      Key: { runId: name },
      ExpressionAttributeValues: expect.objectContaining({ ':accepted': 'ACCEPTED', ':at': new Date(NOW).toISOString() }),
    });
  });

  it('sends the same name and input when S3 delivers the event again', async () => {
    // Act
    await handler()(s3Event(putEvent), lambdaContext());
    await handler()(s3Event(putEvent), lambdaContext());

    // Assess
    const [first, second] = sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    expect(first?.name).toMatch(EXECUTION_NAME);
    expect(second?.name).toBe(first?.name);
    expect(second?.input).toBe(first?.input);
  });

  it('reports ExecutionAlreadyExists as a duplicate, not a failure', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: "Execution Already Exists: 'arn:...'", $metadata: { httpStatusCode: 400 } }));

    // Act
    const summary = await handler()(s3Event(putEvent), lambdaContext());

    // Assess
    expect(summary.started).toEqual([]);
    expect(summary.duplicates).toEqual([{ key: 'input/users 2026-01-15.jsonl', executionName: expect.stringMatching(EXECUTION_NAME) }]);
    expect(documents).toReceiveCommandWith(UpdateCommand, { UpdateExpression: expect.stringContaining('ADD deliveries :one') });
    expect(documents).not.toReceiveCommandWith(UpdateCommand, { ExpressionAttributeValues: expect.objectContaining({ ':accepted': 'ACCEPTED' }) });
  });

  it('reports a second delivery to a still-running execution as a duplicate', async () => {
    // Prepare: Step Functions answers the repeat with the original response; the ledger tells: the
    // item as it was before this delivery already had an acceptance.
    documents.on(UpdateCommand).resolves({ Attributes: { runId: 'run-1', acceptedAt: '2026-01-15T10:21:34.000Z', deliveries: 1 } });

    // Act
    const summary = await handler()(s3Event(putEvent), lambdaContext());

    // Assess
    expect(summary.started).toEqual([]);
    expect(summary.duplicates).toEqual([{ key: 'input/users 2026-01-15.jsonl', executionName: expect.stringMatching(EXECUTION_NAME) }]);
  });

  it('starts nothing for the s3:TestEvent', async () => {
    // Act
    const summary = await handler()(structuredClone(testEvent) as unknown as S3Event, lambdaContext());

    // Assess
    expect(sfn).not.toReceiveAnyCommand();
    expect(summary).toEqual({ started: [], duplicates: [], ignored: [{ reason: 'not an object notification (s3:TestEvent)' }], rejected: [] });
    expect(documents).not.toReceiveAnyCommand();
  });

  it('starts one execution per uploaded input file in a mixed notification', async () => {
    // Act
    const summary = await handler()(s3Event(mixedRecordsEvent), lambdaContext());

    // Assess
    expect(sfn).toReceiveCommandTimes(StartExecutionCommand, 3);
    expect(sfn).toReceiveCommandWith(StartExecutionCommand, { name: expect.stringMatching(/^upload-big-batch-jsonl-[0-9a-f]{16}$/) });
    expect([0, 1, 2].map((index) => (startedInput(index) as { inputPath: string }).inputPath)).toEqual([
      's3://personalize-batch-dev-data/input/weekly users.jsonl',
      's3://personalize-batch-dev-data/input/big+batch.jsonl',
      's3://personalize-batch-dev-data/input/café résumé.jsonl',
    ]);
    expect(summary.ignored).toHaveLength(4);
  });

  it('lets any other StartExecution error through with its name, so Lambda retries the event', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act & Assess
    await expect(handler()(s3Event(putEvent), lambdaContext())).rejects.toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
  });

  it('resolves an EventBridge key by asking S3 which spelling exists', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sm:x', startDate: new Date() });
    s3.on(HeadObjectCommand, { Key: 'input/users+2026-01-15.jsonl' }).rejects(new NotFound({ message: 'Not Found', $metadata: {} }));
    s3.on(HeadObjectCommand, { Key: 'input/users 2026-01-15.jsonl' }).resolves({});

    // Act
    const summary = await handler()(eventBridgeEvent as never, lambdaContext());

    // Assess
    expect(summary.started.map((run) => run.key)).toEqual(['input/users 2026-01-15.jsonl']);
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: 'team-data', Key: 'input/users+2026-01-15.jsonl' });
  });

  describe('with EventBridge Scheduler ticks', () => {
    const TICK_NAME = 'schedule-nightly-example-20261128T020000Z';

    it('starts the tick’s run and records it as accepted', async () => {
      // Act
      const summary = await handler()(structuredClone(schedulerInvocation) as never, lambdaContext());

      // Assess
      expect(sfn).toReceiveCommandWith(StartExecutionCommand, { stateMachineArn: STATE_MACHINE_ARN, name: TICK_NAME });
      expect(startedInput()).toEqual({
        inputPath: `s3://${DATA_BUCKET}/scheduled/users/nightly.jsonl`,
        jobGroup: 'users',
        source: { type: 'schedule', name: 'nightly-example', scheduledTime: '2026-11-28T02:00:00Z' },
      });
      expect(summary.started).toEqual([
        { schedule: 'nightly-example', executionName: TICK_NAME, executionArn: `arn:aws:states:us-east-1:123456789012:execution:personalize-batch-dev:${TICK_NAME}` },
      ]);
      expect(documents).toReceiveCommandWith(UpdateCommand, {
        TableName: TABLE,
        Key: { runId: TICK_NAME },
        ExpressionAttributeValues: expect.objectContaining({
          ':accepted': 'ACCEPTED',
          ':inputPath': `s3://${DATA_BUCKET}/scheduled/users/nightly.jsonl`,
          ':source': { type: 'schedule', name: 'nightly-example', scheduledTime: '2026-11-28T02:00:00Z' },
        }),
      });
      expect(s3).not.toReceiveAnyCommand();
    });

    it('counts a retried tick whose run has ended as a duplicate delivery', async () => {
      // Prepare
      sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: `Execution Already Exists: '${TICK_NAME}'`, $metadata: { httpStatusCode: 400 } }));

      // Act
      const summary = await handler()(structuredClone(schedulerInvocation) as never, lambdaContext());

      // Assess
      expect(summary).toEqual({ started: [], duplicates: [{ schedule: 'nightly-example', executionName: TICK_NAME }], ignored: [], rejected: [] });
      expect(documents).toReceiveCommandWith(UpdateCommand, {
        Key: { runId: TICK_NAME },
        UpdateExpression: expect.stringContaining('ADD deliveries :one'),
        ExpressionAttributeValues: { ':one': 1, ':at': new Date(NOW).toISOString() },
      });
    });

    it('records a scheduled rule’s raw event as rejected without starting anything', async () => {
      // Act
      const summary = await handler()(structuredClone(scheduledRuleEvent) as never, lambdaContext());

      // Assess
      expect(sfn).not.toReceiveAnyCommand();
      expect(summary.rejected).toEqual([{ runId: 'schedule-rule-nightly-users-20261128T030000Z', reason: expect.stringContaining('input transformer') }]);
      expect(documents).toReceiveCommandWith(PutCommand, {
        TableName: TABLE,
        Item: expect.objectContaining({ runId: 'schedule-rule-nightly-users-20261128T030000Z', status: 'REJECTED' }),
        ConditionExpression: 'attribute_not_exists(runId)',
      });
    });
  });
});
