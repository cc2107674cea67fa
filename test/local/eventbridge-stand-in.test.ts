import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { startEventBridgeStandIn, MAX_REQUEST_BYTES, type EventBridgeStandIn } from '../../src/local/eventbridge';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/local-aws';

const entry = (overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  Source: 'personalize-batch-orchestrator',
  DetailType: 'Batch Inference Run Succeeded',
  Detail: JSON.stringify({ runId: 'run-1', status: 'SUCCEEDED' }),
  ...overrides,
});

/** The real EventBridgeClient against the stand-in, over HTTP. */
describe('EventBridge stand-in: PutEvents on the default bus', () => {
  let standIn: EventBridgeStandIn;
  let client: EventBridgeClient;

  beforeEach(async () => {
    standIn = await startEventBridgeStandIn();
    client = new EventBridgeClient({ endpoint: standIn.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  });

  afterEach(async () => {
    client.destroy();
    await standIn.close();
  });

  const put = (Entries: PutEventsRequestEntry[]) => client.send(new PutEventsCommand({ Entries }));

  it('accepts an entry and keeps it as a rule\'s target would receive it', async () => {
    // Act
    const response = await put([entry({ Resources: ['arn:aws:states:us-east-1:123456789012:execution:sm:run-1'], Time: new Date('2026-11-28T03:40:00Z') })]);

    // Assess
    expect(response.FailedEntryCount).toBe(0);
    expect(response.Entries).toEqual([{ EventId: expect.any(String) }]);
    expect(standIn.events()).toEqual([
      {
        version: '0',
        id: response.Entries?.[0]?.EventId,
        'detail-type': 'Batch Inference Run Succeeded',
        source: 'personalize-batch-orchestrator',
        account: '123456789012',
        time: '2026-11-28T03:40:00Z',
        region: 'us-east-1',
        resources: ['arn:aws:states:us-east-1:123456789012:execution:sm:run-1'],
        detail: { runId: 'run-1', status: 'SUCCEEDED' },
      },
    ]);
  });

  it.each([
    ['no Detail', entry({ Detail: undefined }), 'InvalidArgument'],
    ['no Source', entry({ Source: undefined }), 'InvalidArgument'],
    ['no DetailType', entry({ DetailType: undefined }), 'InvalidArgument'],
    ['a Detail that is not JSON', entry({ Detail: '{"runId":' }), 'MalformedDetail'],
    ['a Detail that is a JSON array, not an object', entry({ Detail: '[1,2]' }), 'MalformedDetail'],
    ['a DetailType over 128 characters', entry({ DetailType: 'x'.repeat(129) }), 'InvalidArgument'],
    ['a source AWS reserves', entry({ Source: 'aws.states' }), 'NotAuthorizedForSourceException'],
    ['a bus that does not exist', entry({ EventBusName: 'other-bus' }), 'ResourceNotFoundException'],
  ])('fails an entry with %s alone, in the response, and keeps the others', async (_name, bad, errorCode) => {
    // Act
    const response = await put([entry(), bad]);

    // Assess
    expect(response.FailedEntryCount).toBe(1);
    expect(response.Entries?.[0]).toEqual({ EventId: expect.any(String) });
    expect(response.Entries?.[1]).toEqual({ ErrorCode: errorCode, ErrorMessage: expect.any(String) });
    expect(standIn.events()).toHaveLength(1);
  });

  it('accepts the default bus by name and by ARN', async () => {
    const response = await put([entry({ EventBusName: 'default' }), entry({ EventBusName: 'arn:aws:events:us-east-1:123456789012:event-bus/default' })]);
    expect(response.FailedEntryCount).toBe(0);
  });

  it.each([
    ['no entries', [] as PutEventsRequestEntry[]],
    ['11 entries', Array.from({ length: 11 }, () => entry())],
    ['entries over 256 KB in all', [entry({ Detail: JSON.stringify({ text: 'x'.repeat(MAX_REQUEST_BYTES) }) })]],
    ['only entries that lack a required member', [entry({ Detail: undefined }), entry({ Source: undefined })]],
  ])('refuses a request with %s as a whole (ValidationException) and keeps nothing', async (_name, entries) => {
    await expect(put(entries)).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect(standIn.events()).toEqual([]);
  });

  it('takes 10 entries, the most one request may carry', async () => {
    const response = await put(Array.from({ length: 10 }, () => entry()));
    expect(response.FailedEntryCount).toBe(0);
    expect(standIn.events()).toHaveLength(10);
  });
});
