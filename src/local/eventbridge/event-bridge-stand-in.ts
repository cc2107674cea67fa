import { AwsServiceError, startAwsJsonServer } from '../aws-json-server';
import { systemClock, type Clock } from '../clock';
import { LOCAL_ACCOUNT_ID, LOCAL_PARTITION, LOCAL_REGION } from '../local-aws';
import { isJsonObject } from '../http-body';

/** PutEvents takes 1 to 10 entries (`PutEventsRequestEntryList`). */
export const MAX_ENTRIES = 10;
/** A PutEvents request's entries may total at most 256 KB, counted as EventBridge counts them. */
export const MAX_REQUEST_BYTES = 256 * 1024;
/** `DetailType` is free-form, at most 128 characters. */
export const MAX_DETAIL_TYPE_LENGTH = 128;
/** What a `Time` counts towards the size, whatever its value (EventBridge's size rules). */
const TIME_BYTES = 14;

/** An event as EventBridge delivers it to a rule's target. */
export interface PublishedEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  /** ISO 8601, to the second. */
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** A per-entry refusal, as PutEvents reports it in `Entries[i]`. */
export interface EntryFailure {
  ErrorCode: string;
  ErrorMessage: string;
}

export interface EventBridgeStandInOptions {
  clock?: Clock;
  /** Default 0: a free port. */
  port?: number;
  region?: string;
  accountId?: string;
  /**
   * Fails an entry the stand-in would otherwise accept (tests of retries): called with each valid
   * entry and its 1-based number among all entries received; return the failure to report.
   */
  injectEntryFailure?: (entry: { Source: string; DetailType: string; Detail: string }, entryNumber: number) => EntryFailure | undefined;
}

export interface EventBridgeStandIn {
  endpoint: string;
  /** Every event accepted on the default bus so far, in order. */
  events(): PublishedEvent[];
  close(): Promise<void>;
}

/**
 * A local stand-in for EventBridge's PutEvents on the account's default bus, for the real
 * `EventBridgeClient` with `endpoint` (awsJson1_1, `X-Amz-Target: AWSEvents.PutEvents`). It keeps
 * the events it accepts, as a rule matching everything would see them.
 *
 * As the service (API reference, PutEvents and PutEventsRequestEntry): 1 to 10 entries and at most
 * 256 KB in all, or the whole request fails with `ValidationException`; an entry without `Source`,
 * `DetailType` or `Detail` fails alone (`InvalidArgument`), and a request where every entry lacks one
 * fails whole; `Detail` must be a JSON object (`MalformedDetail`); `DetailType` at most 128
 * characters; `aws.` sources belong to AWS (`NotAuthorizedForSourceException`); only the default bus
 * exists. A failed entry is reported in `Entries` and counted in `FailedEntryCount`, with HTTP 200.
 */
export async function startEventBridgeStandIn(options: EventBridgeStandInOptions = {}): Promise<EventBridgeStandIn> {
  const clock = options.clock ?? systemClock;
  const region = options.region ?? LOCAL_REGION;
  const account = options.accountId ?? LOCAL_ACCOUNT_ID;
  const defaultBusArn = `arn:${LOCAL_PARTITION}:events:${region}:${account}:event-bus/default`;
  const accepted: PublishedEvent[] = [];
  let entriesReceived = 0;

  function putEvents(input: Record<string, unknown>) {
    const entries = input.Entries;
    if (!Array.isArray(entries)) {
      throw new AwsServiceError('ValidationException', "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null");
    }
    if (entries.length < 1 || entries.length > MAX_ENTRIES) {
      const bound = entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`;
      throw new AwsServiceError('ValidationException', `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${bound}`);
    }
    const total = entries.reduce((sum: number, entry: unknown) => sum + entrySize(entry), 0);
    if (total > MAX_REQUEST_BYTES) {
      throw new AwsServiceError('ValidationException', `Total size of the entries in the request is over the limit (${total} bytes, at most ${MAX_REQUEST_BYTES}).`);
    }
    if (entries.every((entry) => missingMembers(entry).length > 0)) {
      throw new AwsServiceError('ValidationException', 'Every entry lacks one of Source, DetailType or Detail: nothing can be sent.');
    }
    const results = entries.map((entry: unknown) => {
      entriesReceived += 1;
      const failure = refusalOf(entry as Record<string, unknown>, defaultBusArn);
      if (failure) return failure;
      const valid = entry as { Source: string; DetailType: string; Detail: string; Resources?: string[]; Time?: number };
      const injected = options.injectEntryFailure?.(valid, entriesReceived);
      if (injected) return injected;
      const id = globalThis.crypto.randomUUID();
      accepted.push({
        version: '0',
        id,
        'detail-type': valid.DetailType,
        source: valid.Source,
        account,
        time: new Date(typeof valid.Time === 'number' ? valid.Time * 1000 : clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region,
        resources: Array.isArray(valid.Resources) ? valid.Resources : [],
        detail: JSON.parse(valid.Detail) as Record<string, unknown>,
      });
      return { EventId: id };
    });
    return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
  }

  const server = await startAwsJsonServer({
    targetPrefix: 'AWSEvents',
    contentType: 'application/x-amz-json-1.1',
    operations: { PutEvents: putEvents },
    ...(options.port !== undefined && { port: options.port }),
  });
  return { endpoint: server.endpoint, events: () => [...accepted], close: () => server.close() };
}

function missingMembers(entry: unknown): string[] {
  const fields = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
  return (['Source', 'DetailType', 'Detail'] as const).filter((name) => typeof fields[name] !== 'string' || fields[name] === '');
}

/** Why EventBridge would fail this entry, or undefined when it would accept it. */
function refusalOf(entry: Record<string, unknown>, defaultBusArn: string): EntryFailure | undefined {
  const missing = missingMembers(entry);
  if (missing.length > 0) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter(s) ${missing.join(', ')} not valid: ${missing.join(', ')} must be given.` };
  }
  const bus = entry.EventBusName;
  if (bus !== undefined && bus !== 'default' && bus !== defaultBusArn) {
    return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${String(bus)} does not exist.` };
  }
  if (String(entry.DetailType).length > MAX_DETAIL_TYPE_LENGTH) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter DetailType is not valid: at most ${MAX_DETAIL_TYPE_LENGTH} characters.` };
  }
  if (String(entry.Source).startsWith('aws.')) {
    return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
  }
  if (!isJsonObject(String(entry.Detail))) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  return undefined;
}

/** An entry's size as EventBridge counts it: UTF-8 bytes of Source, DetailType, Detail and each resource, plus 14 for a Time. */
function entrySize(entry: unknown): number {
  const fields = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
  const resources = Array.isArray(fields.Resources) ? fields.Resources.reduce((sum: number, arn: unknown) => sum + text(arn), 0) : 0;
  return (fields.Time === undefined ? 0 : TIME_BYTES) + text(fields.Source) + text(fields.DetailType) + text(fields.Detail) + resources;
}
