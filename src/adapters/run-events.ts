import { EventBridgeClient, PutEventsCommand, type EventBridgeClientConfig } from '@aws-sdk/client-eventbridge';
import type { RunEvent } from '../domain/run-event';
import type { RunEventPublisher } from '../use-cases/ports';

/**
 * EventBridge refused an entry. PutEvents reports a refused entry in its response
 * (`FailedEntryCount`, the entry's `ErrorCode`), not as an exception, so this is raised for it: the
 * caller's retries then publish it again.
 */
export class RunEventNotPublishedError extends Error {
  constructor(
    message: string,
    /** EventBridge's per-entry code, e.g. `ThrottlingException`, `InternalFailure`, `MalformedDetail`. */
    readonly errorCode: string | undefined,
  ) {
    super(message);
    this.name = 'RunEventNotPublishedError';
  }
}

/** Adapter over `EventBridgeClient`: puts run events on the account's default event bus. */
export class EventBridgeRunEvents implements RunEventPublisher {
  private readonly client: EventBridgeClient;

  constructor(options: { client?: EventBridgeClient; clientConfig?: EventBridgeClientConfig } = {}) {
    this.client = options.client ?? new EventBridgeClient(options.clientConfig ?? {});
  }

  /**
   * One PutEvents entry on the default bus (no `EventBusName`).
   * @throws RunEventNotPublishedError when EventBridge fails the entry; the SDK's own error when the call fails.
   */
  async publish(event: RunEvent): Promise<void> {
    const response = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: event.source,
            DetailType: event.detailType,
            Detail: JSON.stringify(event.detail),
            Resources: event.resources,
            ...(event.time && { Time: new Date(event.time) }),
          },
        ],
      }),
    );
    const failed = response.Entries?.find((entry) => entry.ErrorCode);
    if ((response.FailedEntryCount ?? 0) > 0 || failed) {
      throw new RunEventNotPublishedError(
        `EventBridge did not accept "${event.detailType}" for run ${event.detail.runId}: ${failed?.ErrorCode ?? 'unknown error'}${failed?.ErrorMessage ? ` (${failed.ErrorMessage})` : ''}`,
        failed?.ErrorCode,
      );
    }
  }
}
