import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { composeRecordClosedExecution, recordClosedExecutionDependencies } from '../../src/composition/record-closed-execution';
import { ConfigurationError } from '../../src/domain/errors';
import { EventBridgeRunEvents } from '../../src/adapters/run-events';
import { SnsRunNotifications } from '../../src/adapters/run-notifications';

const documents = mockClient(DynamoDBDocumentClient);
const ENV = { RUNS_TABLE_NAME: 'runs-table-from-env', RUN_RECORD_RETENTION_DAYS: '30', JOB_SLOTS_TABLE_NAME: 'job-slots-from-env' };
const COMPLETED_AT = '2026-01-15T11:00:00.000Z';

describe('recordClosedExecutionDependencies', () => {
  beforeEach(() => {
    documents.reset();
    documents.on(UpdateCommand).resolves({});
  });

  it('closes runs in the table the environment names, with a record expiry RUN_RECORD_RETENTION_DAYS ahead', async () => {
    // Prepare
    const deps = recordClosedExecutionDependencies(ENV, { clients: { dynamodb: new DynamoDBClient({ region: 'us-east-1' }) } });

    // Act
    const written = await deps.runs.closeIfOpen({
      runId: 'run-1',
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sm:run-1',
      status: 'TIMED_OUT',
      errorType: 'States.Timeout',
      failureReason: 'The execution timed out',
      completedAt: COMPLETED_AT,
    });

    // Assess
    expect(written).toMatchObject({ runId: 'run-1', status: 'TIMED_OUT' });
    const update = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.TableName).toBe('runs-table-from-env');
    expect(Object.values(update?.ExpressionAttributeValues ?? {})).toContain(Date.parse(COMPLETED_AT) / 1000 + 30 * 86_400);
  });

  it('publishes to the default EventBridge bus, and to the SNS topic only when RUN_NOTIFICATION_TOPIC_ARN is set', () => {
    // Act
    const withoutTopic = recordClosedExecutionDependencies({ ...ENV, RUN_NOTIFICATION_TOPIC_ARN: '' });
    const withTopic = recordClosedExecutionDependencies({ ...ENV, RUN_NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:runs' });

    // Assess
    expect(withoutTopic.publishers.map((publisher) => publisher.constructor)).toEqual([EventBridgeRunEvents]);
    expect(withTopic.publishers.map((publisher) => publisher.constructor)).toEqual([EventBridgeRunEvents, SnsRunNotifications]);
  });

  it('throws ConfigurationError naming RUNS_TABLE_NAME when it is missing', () => {
    expect(() => composeRecordClosedExecution({})).toThrow(ConfigurationError);
    expect(() => composeRecordClosedExecution({})).toThrow('Environment variable RUNS_TABLE_NAME is not set');
  });
});
