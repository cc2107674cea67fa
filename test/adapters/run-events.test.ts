import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { EventBridgeRunEvents, RunEventNotPublishedError } from '../../src/adapters/run-events';
import { SnsRunNotifications, subjectFor } from '../../src/adapters/run-notifications';
import { runEventFor, type RunEvent } from '../../src/domain/run-event';

const eventBridge = mockClient(EventBridgeClient);
const sns = mockClient(SNSClient);
const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:personalize-batch-orchestrator-dev-batch-inference:run-1';
const JOB_ARN = 'arn:aws:personalize:us-east-1:123456789012:batch-inference-job/run-1-3f9c';
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:batch-runs';

const event = runEventFor({
  runId: 'run-1',
  status: 'FAILED',
  executionArn: EXECUTION_ARN,
  jobArn: JOB_ARN,
  errorType: 'OutputRejected',
  failureReason: '3 of 3 records failed: bad',
  records: 3,
  errorRecords: 3,
  completedAt: '2026-11-28T03:40:00.000Z',
}) as RunEvent;

describe('EventBridgeRunEvents', () => {
  beforeEach(() => eventBridge.reset());

  it('puts one entry on the default bus with the source, detail-type, JSON detail, resources and time', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

    // Act
    await new EventBridgeRunEvents({ client: new EventBridgeClient({ region: 'us-east-1' }) }).publish(event);

    // Assess
    expect(eventBridge).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [
        {
          Source: 'personalize-batch-orchestrator',
          DetailType: 'Batch Inference Run Failed',
          Detail: JSON.stringify(event.detail),
          Resources: [EXECUTION_ARN, JOB_ARN],
          Time: new Date('2026-11-28T03:40:00.000Z'),
        },
      ],
    });
    // No EventBusName on the entry: the default bus.
    expect(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]).not.toHaveProperty('EventBusName');
  });

  it('throws when EventBridge fails the entry in its response (FailedEntryCount), so the invocation is retried', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }] });

    // Act
    const attempt = new EventBridgeRunEvents({ client: new EventBridgeClient({ region: 'us-east-1' }) }).publish(event);

    // Assess
    await expect(attempt).rejects.toThrow(RunEventNotPublishedError);
    await expect(attempt).rejects.toMatchObject({
      errorCode: 'ThrottlingException',
      message: 'EventBridge did not accept "Batch Inference Run Failed" for run run-1: ThrottlingException (Rate exceeded)',
    });
  });
});

describe('SnsRunNotifications', () => {
  beforeEach(() => sns.reset());

  it('publishes the summary line and the detail to the topic, with status attributes for filter policies', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    // Act
    await new SnsRunNotifications(TOPIC_ARN, { client: new SNSClient({ region: 'us-east-1' }) }).publish(event);

    // Assess
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TopicArn: TOPIC_ARN,
      Subject: 'Batch Inference Run Failed: run-1',
      MessageAttributes: {
        status: { DataType: 'String', StringValue: 'FAILED' },
        detailType: { DataType: 'String', StringValue: 'Batch Inference Run Failed' },
      },
    });
    const [summary, , ...json] = (input?.Message ?? '').split('\n');
    expect(summary).toBe('Batch Inference Run Failed: run-1 (3 records, 3 failed, 0 without recommendations): 3 of 3 records failed: bad');
    expect(JSON.parse(json.join('\n'))).toEqual({ 'detail-type': 'Batch Inference Run Failed', source: 'personalize-batch-orchestrator', detail: event.detail });
  });

  it('keeps the subject within SNS\'s 100 printable ASCII characters', () => {
    // Act
    const subject = subjectFor({ ...event, detail: { ...event.detail, runId: `upload-${'é'.repeat(120)}` } });

    // Assess
    expect(subject).toHaveLength(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });
});
