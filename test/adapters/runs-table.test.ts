import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbRunsStore } from '../../src/adapters/runs-table';
import type { RunRecord } from '../../src/domain/run';
import { INPUT_PATH } from '../support/sample-run';
import { itemSetBy } from '../support/dynamodb-updates';

const documents = mockClient(DynamoDBDocumentClient);
const TABLE = 'personalize-batch-dev-runs';
const AT = '2026-01-15T10:21:34.000Z';
const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:personalize-batch-dev:run-1';

/** 2026-01-15T10:21:34Z in epoch seconds, the unit DynamoDB TTL reads. */
const AT_EPOCH_SECONDS = 1_768_472_494;

function store(options: { recordRetentionDays?: number | undefined } = {}): DynamoDbRunsStore {
  return new DynamoDbRunsStore(TABLE, { client: new DynamoDBClient({ region: 'us-east-1' }), ...options });
}

function onlyUpdate() {
  const calls = documents.commandCalls(UpdateCommand);
  expect(calls).toHaveLength(1);
  return calls[0]!.args[0].input;
}

describe('DynamoDbRunsStore', () => {
  beforeEach(() => {
    documents.reset();
    documents.on(UpdateCommand).resolves({});
    documents.on(PutCommand).resolves({});
  });

  describe('put', () => {
    const record: RunRecord = {
      runId: 'run-1',
      executionArn: EXECUTION_ARN,
      status: 'SUCCEEDED',
      startedAt: '2026-01-15T10:00:00.000Z',
      completedAt: '2026-01-15T11:00:00.000Z',
      inputPath: INPUT_PATH,
      numResults: 25,
      source: { type: 's3', key: 'input/users.jsonl' },
      filterArn: undefined,
    };

    it('updates the run’s item with a SET of each defined field, keyed by runId', async () => {
      // Act
      await store().put(record);

      // Assess
      expect(documents).not.toReceiveCommand(PutCommand);
      const input = onlyUpdate();
      expect(input).toMatchObject({ TableName: TABLE, Key: { runId: 'run-1' } });
      const { filterArn: _left, ...defined } = record;
      expect(itemSetBy(input)).toEqual(defined);
    });

    it('never sets runId, the key, and never sets an undefined field', async () => {
      // Act
      await store().put(record);

      // Assess
      const input = onlyUpdate();
      expect(Object.values(input.ExpressionAttributeNames ?? {})).not.toContain('runId');
      expect(Object.values(input.ExpressionAttributeNames ?? {})).not.toContain('filterArn');
      expect(Object.values(input.ExpressionAttributeValues ?? {})).not.toContain(undefined);
    });

    it('names every attribute through a placeholder, so reserved words such as status are safe', async () => {
      // Act
      await store().put(record);

      // Assess
      const input = onlyUpdate();
      expect(input.UpdateExpression).toMatch(/^SET #f0 = :v0(, #f\d+ = :v\d+)+$/);
      expect(input.UpdateExpression).not.toMatch(/\bstatus\b/);
    });

    it('leaves the trigger’s own fields alone', async () => {
      // Act
      await store().put(record);

      // Assess
      const names = Object.values(onlyUpdate().ExpressionAttributeNames ?? {});
      expect(names).not.toContain('acceptedAt');
      expect(names).not.toContain('deliveries');
    });

    it('lets a DynamoDB failure through', async () => {
      // Prepare
      documents.on(UpdateCommand).rejects(Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' }));

      // Act & Assess
      await expect(store().put(record)).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    });
  });

  describe('get', () => {
    it('reads the run’s item consistently', async () => {
      // Prepare
      documents.on(GetCommand).resolves({ Item: { runId: 'run-1', status: 'ACCEPTED' } });

      // Act
      const item = await store().get('run-1');

      // Assess
      expect(documents).toReceiveCommandWith(GetCommand, { TableName: TABLE, Key: { runId: 'run-1' }, ConsistentRead: true });
      expect(item).toEqual({ runId: 'run-1', status: 'ACCEPTED' });
    });

    it('returns undefined for a run with no item', async () => {
      // Prepare
      documents.on(GetCommand).resolves({});

      // Act & Assess
      await expect(store().get('run-9')).resolves.toBeUndefined();
    });
  });

  describe('accepted', () => {
    const entry = { runId: 'run-1', executionArn: EXECUTION_ARN, inputPath: INPUT_PATH, source: { type: 'schedule', name: 'nightly' }, at: AT };

    it('sets ACCEPTED only where no status exists yet, so a finished run stays finished', async () => {
      // Act
      await store().accepted(entry);

      // Assess
      const input = onlyUpdate();
      expect(input).toMatchObject({ TableName: TABLE, Key: { runId: 'run-1' } });
      expect(input.UpdateExpression).toContain('#status = if_not_exists(#status, :accepted)');
      expect(input.ExpressionAttributeNames).toMatchObject({ '#status': 'status' });
      expect(input.ExpressionAttributeValues).toMatchObject({ ':accepted': 'ACCEPTED' });
    });

    it('keeps the first acceptance’s time, execution, input and source', async () => {
      // Act
      await store().accepted(entry);

      // Assess
      const input = onlyUpdate();
      for (const [attribute, placeholder] of [
        ['acceptedAt', ':at'],
        ['executionArn', ':executionArn'],
        ['inputPath', ':inputPath'],
        ['#source', ':source'],
      ]) {
        expect(input.UpdateExpression).toContain(`${attribute} = if_not_exists(${attribute}, ${placeholder})`);
      }
      expect(input.ExpressionAttributeValues).toMatchObject({ ':at': AT, ':executionArn': EXECUTION_ARN, ':inputPath': INPUT_PATH, ':source': entry.source });
    });

    it('counts the delivery atomically and returns the count after it, from the item as it was before', async () => {
      // Prepare: an earlier delivery accepted the run.
      documents.on(UpdateCommand).resolves({ Attributes: { runId: 'run-1', acceptedAt: AT, deliveries: 1 } });

      // Act
      const acceptance = await store().accepted(entry);

      // Assess
      const input = onlyUpdate();
      expect(input.UpdateExpression).toMatch(/ADD deliveries :one$/);
      expect(input.ExpressionAttributeValues).toMatchObject({ ':one': 1 });
      expect(input.ReturnValues).toBe('ALL_OLD');
      expect(acceptance).toEqual({ first: false, deliveries: 2 });
    });

    it('is the first acceptance where there was no item', async () => {
      // Act & Assess
      await expect(store().accepted(entry)).resolves.toEqual({ first: true, deliveries: 1 });
    });

    it('is the first acceptance where only redeliveries that found the run closed were counted before it', async () => {
      // Prepare: `duplicate` wrote its count (and a finished run its record) before this delivery recorded itself.
      documents.on(UpdateCommand).resolves({ Attributes: { runId: 'run-1', status: 'FAILED', deliveries: 1, lastDeliveryAt: AT } });

      // Act & Assess
      await expect(store().accepted(entry)).resolves.toEqual({ first: true, deliveries: 2 });
    });

    it('sets expiresAt, in epoch seconds retention days after the acceptance, only where none exists yet', async () => {
      // Act
      await store({ recordRetentionDays: 30 }).accepted(entry);

      // Assess
      const input = onlyUpdate();
      expect(input.UpdateExpression).toContain('expiresAt = if_not_exists(expiresAt, :expiresAt)');
      expect(input.ExpressionAttributeValues?.[':expiresAt']).toBe(AT_EPOCH_SECONDS + 30 * 86_400);
      // The other assignments and the delivery count are unchanged.
      expect(input.UpdateExpression).toContain('#status = if_not_exists(#status, :accepted)');
      expect(input.UpdateExpression).toMatch(/ADD deliveries :one$/);
    });

    it.each([
      ['no retention given', {}],
      ['a retention of 0 (keep forever)', { recordRetentionDays: 0 }],
      ['an unset retention', { recordRetentionDays: undefined }],
    ])('sets no expiresAt with %s', async (_label, options) => {
      // Act
      await store(options).accepted(entry);

      // Assess
      const input = onlyUpdate();
      expect(input.UpdateExpression).not.toContain('expiresAt');
      expect(input.ExpressionAttributeValues).not.toHaveProperty(':expiresAt');
    });
  });

  describe('rejected', () => {
    const entry = { runId: 'schedule-invalid-0123456789abcdef', reason: 'Invalid schedule payload: schedule.name: must be …', source: { type: 'schedule' }, at: AT };

    it('writes a REJECTED item only where none exists', async () => {
      // Act
      await store().rejected(entry);

      // Assess
      expect(documents).toReceiveCommandWith(PutCommand, {
        TableName: TABLE,
        Item: { runId: entry.runId, status: 'REJECTED', failureReason: entry.reason, source: entry.source, rejectedAt: AT },
        ConditionExpression: 'attribute_not_exists(runId)',
      });
    });

    it('writes expiresAt, in epoch seconds retention days after the rejection, with a retention', async () => {
      // Act
      await store({ recordRetentionDays: 7 }).rejected(entry);

      // Assess
      const calls = documents.commandCalls(PutCommand);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.args[0].input).toEqual({
        TableName: TABLE,
        Item: { runId: entry.runId, status: 'REJECTED', failureReason: entry.reason, source: entry.source, rejectedAt: AT, expiresAt: AT_EPOCH_SECONDS + 7 * 86_400 },
        ConditionExpression: 'attribute_not_exists(runId)',
      });
    });

    it.each([
      ['no retention given', {}],
      ['a retention of 0 (keep forever)', { recordRetentionDays: 0 }],
    ])('writes no expiresAt with %s', async (_label, options) => {
      // Act
      await store(options).rejected(entry);

      // Assess
      const calls = documents.commandCalls(PutCommand);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.args[0].input.Item).not.toHaveProperty('expiresAt');
    });

    it('treats an existing item as the same rejection delivered again', async () => {
      // Prepare
      documents.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400 } }));

      // Act & Assess
      await expect(store().rejected(entry)).resolves.toBeUndefined();
    });

    it('lets any other DynamoDB failure through', async () => {
      // Prepare
      documents.on(PutCommand).rejects(Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }));

      // Act & Assess
      await expect(store().rejected(entry)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });
  });

  describe('duplicate', () => {
    it('adds one to the run’s deliveries and notes when', async () => {
      // Act
      await store().duplicate({ runId: 'run-1', at: AT });

      // Assess
      expect(documents).toReceiveCommandWith(UpdateCommand, {
        TableName: TABLE,
        Key: { runId: 'run-1' },
        UpdateExpression: expect.stringMatching(/^ADD deliveries :one SET lastDeliveryAt = :at$/),
        ExpressionAttributeValues: { ':one': 1, ':at': AT },
      });
      expect(documents).not.toReceiveCommand(PutCommand);
    });
  });

  describe('progress', () => {
    it('marks RUNNING with the job, only while the run is not finished', async () => {
      // Act
      await store().jobStarted({ runId: 'run-1', jobArn: 'arn:job', jobName: 'run-1', jobCreatedAt: AT });

      // Assess
      const update = onlyUpdate();
      expect(update.ConditionExpression).toBe('attribute_not_exists(#open) OR #open IN (:accepted, :running, :waiting)');
      expect(update.ExpressionAttributeNames?.['#open']).toBe('status');
      expect(update.ExpressionAttributeValues).toMatchObject({ ':accepted': 'ACCEPTED', ':running': 'RUNNING', ':waiting': 'WAITING_FOR_CAPACITY' });
      expect(itemSetBy(update)).toEqual({ runId: 'run-1', status: 'RUNNING', jobArn: 'arn:job', jobName: 'run-1', jobCreatedAt: AT });
    });

    it('marks RUNNING with the job type when the start gives it', async () => {
      await store().jobStarted({ runId: 'run-1', jobArn: 'arn:job', jobName: 'run-1', jobCreatedAt: AT, jobType: 'BATCH_SEGMENT' });

      expect(itemSetBy(onlyUpdate())).toMatchObject({ status: 'RUNNING', jobType: 'BATCH_SEGMENT' });
    });

    it('marks WAITING_FOR_CAPACITY with the attempts and since when', async () => {
      await store().waitingForCapacity({ runId: 'run-1', attempts: 3, since: AT });

      expect(itemSetBy(onlyUpdate())).toEqual({ runId: 'run-1', status: 'WAITING_FOR_CAPACITY', capacityAttempts: 3, queuedSince: AT });
    });

    it('puts the job group on the record of a run in flight, whether running or queued', async () => {
      await store().jobStarted({ runId: 'run-1', jobArn: 'arn:job', jobName: 'run-1', jobCreatedAt: AT, jobGroup: 'nightly' });
      await store().waitingForCapacity({ runId: 'run-2', attempts: 1, since: AT, jobGroup: 'nightly' });

      const updates = documents.commandCalls(UpdateCommand).map((call) => itemSetBy(call.args[0].input));
      expect(updates).toEqual([expect.objectContaining({ status: 'RUNNING', jobGroup: 'nightly' }), expect.objectContaining({ status: 'WAITING_FOR_CAPACITY', jobGroup: 'nightly' })]);
    });

    it('leaves a finished run finished: a failed condition is not an error', async () => {
      documents.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400 } }));

      await expect(store().jobStarted({ runId: 'run-1', jobArn: 'arn:job', jobName: 'run-1', jobCreatedAt: AT })).resolves.toBeUndefined();
    });

    it('lets any other DynamoDB failure through', async () => {
      documents.on(UpdateCommand).rejects(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));

      await expect(store().waitingForCapacity({ runId: 'run-1', attempts: 1, since: AT })).rejects.toMatchObject({
        name: 'ProvisionedThroughputExceededException',
      });
    });
  });

  describe('closeIfOpen', () => {
    const closing = {
      runId: 'run-1',
      executionArn: EXECUTION_ARN,
      status: 'TIMED_OUT' as const,
      errorType: 'States.Timeout',
      failureReason: 'timed out',
      completedAt: AT,
    };

    it('sets the final status only on a record that is missing or under way', async () => {
      // Act
      const written = await store().closeIfOpen(closing);

      // Assess: the whole record comes back, so the run's metrics can name its group and figures.
      const update = onlyUpdate();
      expect(written).toMatchObject({ runId: 'run-1', status: 'TIMED_OUT' });
      expect(update.ReturnValues).toBe('ALL_NEW');
      expect(update.ConditionExpression).toBe('attribute_not_exists(#open) OR #open IN (:accepted, :running, :waiting)');
      expect(update.ExpressionAttributeNames?.['#open']).toBe('status');
      expect(itemSetBy({ ...update, ExpressionAttributeNames: Object.fromEntries(Object.entries(update.ExpressionAttributeNames ?? {}).filter(([key]) => key !== '#open')) })).toEqual(closing);
    });

    it('adds expiresAt when records have a retention', async () => {
      await new DynamoDbRunsStore(TABLE, { client: new DynamoDBClient({ region: 'us-east-1' }), recordRetentionDays: 10 }).closeIfOpen(closing);
      expect(itemSetBy(onlyUpdate())).toMatchObject({ expiresAt: Date.parse(AT) / 1000 + 10 * 86_400 });
    });

    it('leaves a recorded outcome alone and says so', async () => {
      documents.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400 } }));
      await expect(store().closeIfOpen(closing)).resolves.toBeUndefined();
    });
  });
});
