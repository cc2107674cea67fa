import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { RUNS_BY_JOB_GROUP_INDEX, RUNS_BY_JOB_GROUP_PROJECTION } from '../adapters/run-history';

/**
 * The runs table's keys and index as `resources/runs-table.yml` declares them, for the local
 * table (dynalite). `test/template/template.test.ts` checks the two agree.
 */
export const RUNS_TABLE_SCHEMA = {
  AttributeDefinitions: [
    { AttributeName: 'runId', AttributeType: 'S' },
    { AttributeName: 'jobGroup', AttributeType: 'S' },
    { AttributeName: 'completedAt', AttributeType: 'S' },
  ],
  KeySchema: [{ AttributeName: 'runId', KeyType: 'HASH' }],
  GlobalSecondaryIndexes: [
    {
      IndexName: RUNS_BY_JOB_GROUP_INDEX,
      KeySchema: [
        { AttributeName: 'jobGroup', KeyType: 'HASH' },
        { AttributeName: 'completedAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...RUNS_BY_JOB_GROUP_PROJECTION] },
    },
  ],
} satisfies Pick<CreateTableCommandInput, 'AttributeDefinitions' | 'KeySchema' | 'GlobalSecondaryIndexes'>;
