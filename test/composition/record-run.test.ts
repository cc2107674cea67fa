import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { composeRecordRun, recordRunDependencies } from '../../src/composition/record-run';
import { ConfigurationError } from '../../src/domain/errors';

const documents = mockClient(DynamoDBDocumentClient);
const ENV = { RUNS_TABLE_NAME: 'runs-table-from-env', RUN_RECORD_RETENTION_DAYS: '30' };

describe('recordRunDependencies', () => {
  beforeEach(() => {
    documents.reset();
    documents.on(UpdateCommand).resolves({});
  });

  it('writes to the table the environment names and keeps records RUN_RECORD_RETENTION_DAYS days', async () => {
    // Prepare
    const now = () => 42;
    const deps = recordRunDependencies(ENV, { clients: { dynamodb: new DynamoDBClient({ region: 'us-east-1' }) }, now });

    // Act
    await deps.store.put({ runId: 'run-1', status: 'SUCCEEDED' } as Parameters<typeof deps.store.put>[0]);

    // Assess
    expect(deps.retentionDays).toBe(30);
    expect(deps.now).toBe(now);
    expect(documents).toHaveReceivedCommandWith(UpdateCommand, { TableName: 'runs-table-from-env', Key: { runId: 'run-1' } });
  });

  it('keeps records forever when RUN_RECORD_RETENTION_DAYS is unset', () => {
    expect(recordRunDependencies({ RUNS_TABLE_NAME: 'runs' }).retentionDays).toBeUndefined();
  });

  it('throws ConfigurationError naming RUNS_TABLE_NAME when it is missing', () => {
    expect(() => composeRecordRun({ RUN_RECORD_RETENTION_DAYS: '30' })).toThrow(new ConfigurationError(
      "Environment variable RUNS_TABLE_NAME is not set; check the function's configuration in serverless.yml",
    ));
  });

  it('throws ConfigurationError when RUN_RECORD_RETENTION_DAYS is not a whole number', () => {
    expect(() => composeRecordRun({ ...ENV, RUN_RECORD_RETENTION_DAYS: '-1' })).toThrow(ConfigurationError);
  });
});
