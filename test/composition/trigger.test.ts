import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { composeTrigger, triggerDependencies } from '../../src/composition/trigger';
import { ConfigurationError } from '../../src/domain/errors';
import type { TriggerEvent } from '../../src/use-cases/trigger';
import { lambdaContext } from '../support/lambda-context';
import putEvent from '../fixtures/s3-put-event.json';
import { DATA_BUCKET, s3Event, STATE_MACHINE_ARN } from '../support/sample-run';

const sfn = mockClient(SFNClient);
const documents = mockClient(DynamoDBDocumentClient);
const NOW = Date.parse('2026-01-15T10:21:34.000Z');

/** What serverless.yml sets on the trigger, with a non-default value for every variable. */
const ENV = {
  STATE_MACHINE_ARN,
  RUNS_TABLE_NAME: 'runs-table-from-env',
  DATA_BUCKET,
  INPUT_PREFIX: 'uploads/',
  INPUT_SUFFIXES: '.jsonl, .csv',
  RUN_RECORD_RETENTION_DAYS: '30',
};

/** The fixture's upload notification, for another key in the data bucket. */
function uploadOf(key: string): TriggerEvent {
  const event = s3Event(putEvent);
  for (const record of event.Records) {
    record.s3.bucket.name = DATA_BUCKET;
    record.s3.object.key = key;
  }
  return event;
}

const clients = () => ({ s3: new S3Client({ region: 'us-east-1' }), dynamodb: new DynamoDBClient({ region: 'us-east-1' }), stepFunctions: new SFNClient({ region: 'us-east-1' }) });

describe('composeTrigger', () => {
  beforeEach(() => {
    sfn.reset();
    documents.reset();
    // No item before the update (ReturnValues ALL_OLD): the first delivery of a new run.
    documents.on(UpdateCommand).resolves({});
    sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({ executionArn: `${STATE_MACHINE_ARN}:${input.name}`, startDate: new Date(NOW) }));
  });

  it('starts the state machine the environment names and ledgers the run in its table with a record expiry', async () => {
    // Prepare
    const handler = composeTrigger(ENV, { clients: clients(), now: () => NOW, logger: new Logger({ logLevel: 'SILENT' }) });

    // Act
    const summary = await handler(uploadOf('uploads/users.jsonl'), lambdaContext());

    // Assess
    expect(summary.started).toHaveLength(1);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: STATE_MACHINE_ARN });
    const update = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.TableName).toBe('runs-table-from-env');
    expect(update?.ExpressionAttributeValues?.[':expiresAt']).toBe(Math.floor(NOW / 1000) + 30 * 86_400);
  });

  it('ignores uploads outside INPUT_PREFIX or without one of INPUT_SUFFIXES', async () => {
    // Prepare
    const handler = composeTrigger(ENV, { clients: clients(), now: () => NOW, logger: new Logger({ logLevel: 'SILENT' }) });

    // Act
    const outside = await handler(uploadOf('input/users.jsonl'), lambdaContext());
    const wrongSuffix = await handler(uploadOf('uploads/users.json'), lambdaContext());

    // Assess
    expect(outside.ignored).toHaveLength(1);
    expect(wrongSuffix.ignored).toHaveLength(1);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('reads the filter and the data bucket from the environment', () => {
    // Act
    const deps = triggerDependencies(ENV, { clients: clients() });

    // Assess
    expect(deps.filter).toEqual({ inputPrefix: 'uploads/', inputSuffixes: ['.jsonl', '.csv'] });
    expect(deps.dataBucket).toBe(DATA_BUCKET);
  });

  it.each(['STATE_MACHINE_ARN', 'RUNS_TABLE_NAME', 'DATA_BUCKET'])('throws ConfigurationError naming %s when it is missing', (name) => {
    // Prepare
    const env: Record<string, string> = { ...ENV };
    delete env[name];

    // Act & Assess
    expect(() => composeTrigger(env)).toThrow(ConfigurationError);
    expect(() => composeTrigger(env)).toThrow(`Environment variable ${name} is not set`);
  });

  it('throws ConfigurationError when RUN_RECORD_RETENTION_DAYS is not a whole number', () => {
    expect(() => composeTrigger({ ...ENV, RUN_RECORD_RETENTION_DAYS: 'a year' })).toThrow(new ConfigurationError('Environment variable RUN_RECORD_RETENTION_DAYS must be a whole number, got "a year"'));
  });
});
