import { PublishCommand, SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import { runEventSummary, type RunEvent } from '../domain/run-event';
import type { RunEventPublisher } from '../use-cases/ports';

/** SNS subjects: at most 100 printable ASCII characters, no line breaks. */
const MAX_SUBJECT_LENGTH = 100;

/**
 * Adapter over `SNSClient`: sends the run event's summary to the stage's notification topic. The
 * message is the event's detail as JSON, preceded by one readable line, so an email subscriber reads
 * it and a queue subscriber parses the JSON after the first line; `status` and `detailType` are
 * message attributes for subscription filter policies.
 */
export class SnsRunNotifications implements RunEventPublisher {
  private readonly client: SNSClient;

  constructor(
    private readonly topicArn: string,
    options: { client?: SNSClient; clientConfig?: SNSClientConfig } = {},
  ) {
    this.client = options.client ?? new SNSClient(options.clientConfig ?? {});
  }

  /** @throws the SDK's error (AuthorizationError, NotFound, KMS…) when the topic does not take it. */
  async publish(event: RunEvent): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: subjectFor(event),
        Message: `${runEventSummary(event)}\n\n${JSON.stringify({ 'detail-type': event.detailType, source: event.source, detail: event.detail }, null, 2)}`,
        MessageAttributes: {
          status: { DataType: 'String', StringValue: event.detail.status },
          detailType: { DataType: 'String', StringValue: event.detailType },
        },
      }),
    );
  }
}

/** `<detail-type>: <runId>`, in the ASCII SNS accepts, cut to its 100 characters. */
export function subjectFor(event: RunEvent): string {
   
  const subject = `${event.detailType}: ${event.detail.runId}`.replace(/[^\x20-\x7e]/g, '?');
  return subject.length <= MAX_SUBJECT_LENGTH ? subject : `${subject.slice(0, MAX_SUBJECT_LENGTH - 3)}...`;
}
