import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_JOB_SLOTS_TABLE, LOCAL_OUTPUT_WAITS_TABLE, LOCAL_RUNS_TABLE } from './local-stage';
import { RUNS_TABLE_SCHEMA } from './runs-table-schema';

/** The `pk`/`sk` key of the job slots and output waits tables (resources/job-slots-table.yml, output-waits-table.yml). */
export const PK_SK_TABLE = {
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' as const },
    { AttributeName: 'sk', AttributeType: 'S' as const },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' as const },
    { AttributeName: 'sk', KeyType: 'RANGE' as const },
  ],
};

/**
 * Creates the stack's tables in local DynamoDB as CloudFormation would: the runs table, the job
 * slots table and the output waits table. `unlessKept` decides about a table that already exists
 * (a data dir from the last start).
 */
export async function createLocalTables(dynamodb: DynamoDBClient, unlessKept: (error: { name?: string }) => void): Promise<void> {
  await dynamodb.send(new CreateTableCommand({ TableName: LOCAL_RUNS_TABLE, ...RUNS_TABLE_SCHEMA, BillingMode: 'PAY_PER_REQUEST' })).catch(unlessKept);
  for (const table of [LOCAL_JOB_SLOTS_TABLE, LOCAL_OUTPUT_WAITS_TABLE]) {
    await dynamodb.send(new CreateTableCommand({ TableName: table, ...PK_SK_TABLE, BillingMode: 'PAY_PER_REQUEST' })).catch(unlessKept);
  }
}
