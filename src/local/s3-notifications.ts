import type { S3Event } from 'aws-lambda';
import { decodeS3EventKey } from '../domain/s3-event';
import type { TriggerSummary } from '../use-cases/trigger';
import type { LocalS3 } from './local-s3';

export interface UploadNotifications {
  /** Every notification the bucket sent the trigger so far (delivered or not). */
  sent(): S3Event[];
  /** Resolves with each delivery's trigger summary once every delivery so far has ended. */
  settled(): Promise<TriggerSummary[]>;
}

/**
 * The bucket's first notification in resources/data-bucket.yml: object-created events under the
 * input prefix go to the trigger; nothing else does (config files, staged copies, output).
 * With `deliver: false` the notifications are only kept, so a test can deliver one as often and as
 * concurrently as S3's at-least-once delivery might.
 */
export function notifyTriggerOfUploads(
  localS3: LocalS3,
  options: { bucket: string; inputPrefix: string; deliver: false | ((event: S3Event) => Promise<TriggerSummary>) },
): UploadNotifications {
  const deliveries: Array<Promise<TriggerSummary>> = [];
  const notifications: S3Event[] = [];
  localS3.onObjectEvent((event) => {
    const notified = event.Records.some(
      (record) =>
        record.s3.bucket.name === options.bucket &&
        record.eventName.startsWith('ObjectCreated:') &&
        decodeS3EventKey(record.s3.object.key).startsWith(options.inputPrefix),
    );
    if (!notified) return;
    notifications.push(event);
    if (options.deliver === false) return;
    const delivery = options.deliver(event);
    // Failures stay in the promise for settled(); never an unhandled rejection.
    delivery.catch(() => undefined);
    deliveries.push(delivery);
  });
  return { sent: () => [...notifications], settled: () => Promise.all(deliveries) };
}

export interface OutputNotifications {
  /** Every notification the bucket sent jobOutputCreated so far (delivered, dropped or not). */
  sent(): S3Event[];
  /** Resolves once every delivery so far has ended (a failed one included). */
  settled(): Promise<void>;
}

/**
 * The bucket's second notification in resources/data-bucket.yml: objects created under the output
 * prefix whose key ends in `.out` go to jobOutputCreated (Personalize's output files wake the runs
 * waiting for them). With `deliver: false` they are only kept: the event is lost, as S3 may lose or
 * delay one, and the runs' safety polls must see their jobs end anyway.
 */
export function notifyJobOutputCreated(
  localS3: LocalS3,
  options: { bucket: string; outputPrefix: string; deliver: false | ((event: S3Event) => Promise<unknown>) },
): OutputNotifications {
  const deliveries: Array<Promise<unknown>> = [];
  const notifications: S3Event[] = [];
  localS3.onObjectEvent((event) => {
    const notified = event.Records.some((record) => {
      const key = decodeS3EventKey(record.s3.object.key);
      return record.s3.bucket.name === options.bucket && record.eventName.startsWith('ObjectCreated:') && key.startsWith(options.outputPrefix) && key.endsWith('.out');
    });
    if (!notified) return;
    notifications.push(event);
    if (options.deliver === false) return;
    // Failures stay in the promise (Lambda's retries are the deliverer's); never an unhandled rejection.
    deliveries.push(options.deliver(event).catch(() => undefined));
  });
  return { sent: () => [...notifications], settled: async () => void (await Promise.all(deliveries)) };
}
