import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbJobSlots } from '../../src/adapters/job-slots-table';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../src/local/local-dynamodb';
import { PK_SK_TABLE } from '../../src/local/local-tables';

/* The job slots adapter against dynalite: the conditional writes are what keep two runs off the last slot. */
const TABLE = 'job-slots';
const holder = (runId: string) => ({ runId, executionArn: `arn:${runId}`, jobName: `job-${runId}`, since: '2026-01-15T10:00:00.000Z' });

describe('DynamoDbJobSlots against dynalite', () => {
  let dynamo: LocalDynamoDb;
  let client: DynamoDBClient;
  let table = 0;
  const slots = () => new DynamoDbJobSlots(`${TABLE}-${table}`, 'BATCH_INFERENCE', { client });

  beforeAll(async () => {
    dynamo = await startLocalDynamoDb();
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });
  beforeEach(async () => {
    table++;
    await client.send(
      new CreateTableCommand({
        TableName: `${TABLE}-${table}`,
        ...PK_SK_TABLE,
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  });

  it('refuses a take once `limit` slots are held (size() in the condition), and recognises a slot already held', async () => {
    // Prepare
    const adapter = slots();

    // Act
    const takes = [await adapter.take(holder('a'), 2), await adapter.take(holder('b'), 2), await adapter.take(holder('c'), 2), await adapter.take(holder('a'), 2)];

    // Assess
    expect(takes).toEqual(['TAKEN', 'TAKEN', 'FULL', 'ALREADY_HELD']);
    expect((await adapter.holders()).map((held) => held.runId).sort()).toEqual(['a', 'b']);
  });

  it('gives ten concurrent takes only the two slots left', async () => {
    // Prepare
    const adapter = slots();
    await adapter.take(holder('first'), 3);

    // Act
    const takes = await Promise.all(Array.from({ length: 10 }, (_, index) => adapter.take(holder(`run-${index}`), 3)));

    // Assess
    expect(takes.filter((take) => take === 'TAKEN')).toHaveLength(2);
    expect(await adapter.holders()).toHaveLength(3);
  });

  it('releases a slot once, and keeps the queue in service order with token-checked removal', async () => {
    // Prepare
    const adapter = slots();
    await adapter.take(holder('a'), 1);
    const waiter = (runId: string, sortKey: string) => ({ ...holder(runId), priority: 5, sortKey, taskToken: `token-${runId}` });
    await adapter.enqueue(waiter('late', '4#2026-01-15T10:00:02.000Z#late'));
    await adapter.enqueue(waiter('early', '4#2026-01-15T10:00:01.000Z#early'));
    await adapter.enqueue(waiter('urgent', '0#2026-01-15T10:00:09.000Z#urgent'));

    // Act & Assess
    expect([await adapter.release('a'), await adapter.release('a')]).toEqual([true, false]);
    expect((await adapter.waiters()).map((queued) => queued.runId)).toEqual(['urgent', 'early', 'late']);
    expect(await adapter.dequeue({ sortKey: '4#2026-01-15T10:00:01.000Z#early', taskToken: 'token-other' })).toBe(false);
    expect(await adapter.dequeue({ sortKey: '4#2026-01-15T10:00:01.000Z#early', taskToken: 'token-early' })).toBe(true);
    expect(await adapter.dequeue({ sortKey: '4#2026-01-15T10:00:01.000Z#early' })).toBe(false);
  });
});
