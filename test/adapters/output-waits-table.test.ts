import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { S3OutputObjects } from '../../src/adapters/output-objects';
import { DynamoDbOutputWaits } from '../../src/adapters/output-waits-table';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../src/local/local-dynamodb';
import { localS3Client, startLocalS3, type LocalS3 } from '../../src/local/local-s3';
import { PK_SK_TABLE } from '../../src/local/local-tables';

const wait = (runId: string, taskToken: string, folderKey = 'output/run-1/') => ({
  folderKey,
  fileKey: `${folderKey}users.jsonl.out`,
  runId,
  executionArn: `arn:${runId}`,
  outputLocation: `s3://data/${folderKey}users.jsonl.out`,
  taskToken,
});

describe('DynamoDbOutputWaits against dynalite', () => {
  let dynamo: LocalDynamoDb;
  let client: DynamoDBClient;
  let waits: DynamoDbOutputWaits;

  beforeAll(async () => {
    dynamo = await startLocalDynamoDb();
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    await client.send(
      new CreateTableCommand({
        TableName: 'output-waits',
        ...PK_SK_TABLE,
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    waits = new DynamoDbOutputWaits('output-waits', { client });
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  it('finds a folder\'s waits by one query, a re-registration replacing the run\'s earlier one', async () => {
    // Act
    await waits.register(wait('run-1', 'old'), 1_800_000_000);
    await waits.register(wait('run-1', 'new'), 1_800_000_600);
    await waits.register(wait('run-2', 'other', 'output/run-2/'), 1_800_000_000);

    // Assess
    expect(await waits.waitingIn('output/run-1/')).toEqual([wait('run-1', 'new')]);
  });

  it('removes a wait only while it still has the token the remover saw', async () => {
    await waits.register(wait('run-3', 'current', 'output/run-3/'), 1_800_000_000);
    expect(await waits.remove({ folderKey: 'output/run-3/', runId: 'run-3', taskToken: 'stale' })).toBe(false);
    expect(await waits.remove({ folderKey: 'output/run-3/', runId: 'run-3', taskToken: 'current' })).toBe(true);
    expect(await waits.waitingIn('output/run-3/')).toEqual([]);
  });
});

describe('S3OutputObjects against s3rver', () => {
  let localS3: LocalS3;
  let s3: S3Client;
  const objects = () => new S3OutputObjects({ client: s3 });

  beforeAll(async () => {
    localS3 = await startLocalS3();
    s3 = localS3Client(localS3.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'data' }));
    for (const key of ['output/run-1/users.jsonl.out', 'output/run-2/notes.txt', 'output/run-2/deeper/a.out', 'output/run-3/b.jsonl.out']) {
      await s3.send(new PutObjectCommand({ Bucket: 'data', Key: key, Body: '{}' }));
    }
  });
  afterAll(async () => {
    s3.destroy();
    await localS3.close();
  });

  // (A sibling that the .out key prefixes, e.g. `users.jsonl.out.bak`, makes s3rver answer this
  // listing with InternalError; S3 lists it, and the exact-key comparison leaves it out.)
  it('finds a file input\'s exact .out key, not a key it prefixes', async () => {
    expect(await objects().findOutput({ bucket: 'data', folderKey: 'output/run-1/', fileKey: 'output/run-1/users.jsonl.out' })).toBe('output/run-1/users.jsonl.out');
    expect(await objects().findOutput({ bucket: 'data', folderKey: 'output/run-1/', fileKey: 'output/run-1/users.jsonl' })).toBeUndefined();
  });

  it('finds a .out directly in a folder input\'s folder, not in a sub-folder', async () => {
    expect(await objects().findOutput({ bucket: 'data', folderKey: 'output/run-2/' })).toBeUndefined();
    expect(await objects().findOutput({ bucket: 'data', folderKey: 'output/run-3/' })).toBe('output/run-3/b.jsonl.out');
  });
});
