import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbRunHistory, RUNS_BY_JOB_GROUP_INDEX } from '../../src/adapters/run-history';

const documents = mockClient(DynamoDBDocumentClient);
const TABLE = 'personalize-batch-dev-runs';

function history(): DynamoDbRunHistory {
  return new DynamoDbRunHistory(TABLE, { client: new DynamoDBClient({ region: 'us-east-1' }) });
}

describe('DynamoDbRunHistory', () => {
  beforeEach(() => documents.reset());

  it('reads one page of the group’s newest finished runs from the by-group index, only the fields the estimate needs', async () => {
    // Prepare
    documents.on(QueryCommand).resolves({ Items: [{ jobStatus: 'ACTIVE', elapsedSeconds: 1400, jobGroup: 'daily', completedAt: 'x' }, { jobStatus: 'CREATE FAILED' }] });

    // Act
    const runs = await history().recentFinishedRuns('daily', 20);

    // Assess
    expect(documents.commandCalls(QueryCommand)).toHaveLength(1);
    expect(documents.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      IndexName: RUNS_BY_JOB_GROUP_INDEX,
      KeyConditionExpression: 'jobGroup = :jobGroup',
      ExpressionAttributeValues: { ':jobGroup': 'daily' },
      ProjectionExpression: 'jobStatus, elapsedSeconds',
      ScanIndexForward: false,
      Limit: 20,
    });
    expect(runs).toEqual([
      { jobStatus: 'ACTIVE', elapsedSeconds: 1400 },
      { jobStatus: 'CREATE FAILED', elapsedSeconds: undefined },
    ]);
  });

  it('passes the storage error on (the caller falls back to the cold policy)', async () => {
    // Prepare
    documents.on(QueryCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }));

    // Act & Assess
    await expect(history().recentFinishedRuns('daily', 20)).rejects.toThrow('Rate exceeded');
  });
});
