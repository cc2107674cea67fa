import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/local-aws';
import { parseFunctionReference, startLambdaStandIn, type LambdaStandIn } from '../../src/local/lambda';
import type { LocalLambdaHandler } from '../../src/local/local-runner';

const PREFIX = 'personalize-batch-orchestrator-local-';

class RecordRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordRejectedError';
  }
}

describe('Lambda stand-in', () => {
  let standIn: LambdaStandIn;
  let lambda: LambdaClient;
  const calls: Array<{ key: string; event: unknown; context: Context }> = [];
  let flakyFailures = 0;

  const handler =
    (key: string, body: (event: Record<string, unknown>) => unknown): LocalLambdaHandler =>
    async (event: never, context: Context) => {
      calls.push({ key, event, context });
      return body(event);
    };

  beforeAll(async () => {
    standIn = await startLambdaStandIn({
      functionNamePrefix: PREFIX,
      functions: {
        echo: handler('echo', (event) => ({ received: event, at: new Date(0) })),
        nothing: handler('nothing', () => undefined),
        reject: handler('reject', () => {
          throw new RecordRejectedError('record 3 has no userId');
        }),
        flaky: handler('flaky', () => {
          if (flakyFailures-- > 0) throw new Error('not yet');
          return 'done';
        }),
      },
    });
    lambda = new LambdaClient({ endpoint: standIn.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  });

  afterAll(async () => {
    lambda.destroy();
    await standIn.close();
  });

  beforeEach(() => {
    calls.length = 0;
  });

  const decode = (payload: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(payload)) as unknown;

  it('returns the handler result as the JSON payload of a RequestResponse invocation', async () => {
    // Act
    const response = await lambda.send(new InvokeCommand({ FunctionName: `${PREFIX}echo`, Payload: JSON.stringify({ userId: 'user-001' }) }));

    // Assess
    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBeUndefined();
    expect(response.ExecutedVersion).toBe('$LATEST');
    expect(decode(response.Payload)).toEqual({ received: { userId: 'user-001' }, at: '1970-01-01T00:00:00.000Z' });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.context.functionName).toBe('local-echo');
  });

  it('returns null for a handler that returns nothing, and gives an empty request the event {}', async () => {
    const response = await lambda.send(new InvokeCommand({ FunctionName: 'nothing' }));

    expect(response.StatusCode).toBe(200);
    expect(new TextDecoder().decode(response.Payload)).toBe('null');
    expect(calls[0]?.event).toEqual({});
  });

  it('reports a thrown error as Lambda does: status 200, FunctionError Unhandled, the error document as payload', async () => {
    const response = await lambda.send(new InvokeCommand({ FunctionName: `${PREFIX}reject`, Payload: '{}' }));

    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBe('Unhandled');
    expect(decode(response.Payload)).toEqual({ errorType: 'RecordRejectedError', errorMessage: 'record 3 has no userId', trace: [] });
  });

  it('answers an unknown function with ResourceNotFoundException (404) naming its ARN', async () => {
    const invoking = lambda.send(new InvokeCommand({ FunctionName: `${PREFIX}missing`, Payload: '{}' }));

    await expect(invoking).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(invoking).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: `Function not found: arn:aws:lambda:us-east-1:123456789012:function:${PREFIX}missing`,
      $metadata: { httpStatusCode: 404 },
    });
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['a full ARN', `arn:aws:lambda:us-east-1:123456789012:function:${PREFIX}echo`],
    ['a full ARN with $LATEST', `arn:aws:lambda:us-east-1:123456789012:function:${PREFIX}echo:$LATEST`],
    ['a partial ARN', `123456789012:function:${PREFIX}echo`],
    ['the bare key', 'echo'],
  ])('reaches the function by %s', async (_label, functionName) => {
    const response = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: '{"n":1}' }));

    expect(decode(response.Payload)).toMatchObject({ received: { n: 1 } });
    expect(calls.map((call) => call.key)).toEqual(['echo']);
  });

  it.each([
    ['another account', `arn:aws:lambda:us-east-1:210987654321:function:${PREFIX}echo`, undefined],
    ['another region', `arn:aws:lambda:eu-west-1:123456789012:function:${PREFIX}echo`, undefined],
    ['a published version', `${PREFIX}echo:3`, undefined],
    ['an alias given as Qualifier', `${PREFIX}echo`, 'live'],
  ])('finds nothing under %s', async (_label, functionName, qualifier) => {
    const invoking = lambda.send(new InvokeCommand({ FunctionName: functionName, Qualifier: qualifier, Payload: '{}' }));

    await expect(invoking).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(calls).toHaveLength(0);
  });

  it('refuses a payload that is not JSON with InvalidRequestContentException', async () => {
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: '{"userId":' }))).rejects.toMatchObject({
      name: 'InvalidRequestContentException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(calls).toHaveLength(0);
  });

  it('accepts an Event invocation with 202 and runs it afterwards, retrying a failure twice', async () => {
    // Prepare
    flakyFailures = 2;

    // Act
    const response = await lambda.send(new InvokeCommand({ FunctionName: 'flaky', InvocationType: 'Event', Payload: '{"tick":1}' }));
    await standIn.idle();

    // Assess
    expect(response.StatusCode).toBe(202);
    expect(calls.map((call) => call.key)).toEqual(['flaky', 'flaky', 'flaky']);
    expect(flakyFailures).toBe(-1);
  });
});

describe('parseFunctionReference', () => {
  it.each([
    ['trigger', { name: 'trigger' }],
    ['trigger:$LATEST', { name: 'trigger', qualifier: '$LATEST' }],
    ['123456789012:function:trigger', { accountId: '123456789012', name: 'trigger' }],
    ['arn:aws:lambda:us-east-1:123456789012:function:trigger:live', { region: 'us-east-1', accountId: '123456789012', name: 'trigger', qualifier: 'live' }],
  ])('reads %s', (functionName, expected) => {
    expect(parseFunctionReference(functionName)).toEqual(expected);
  });

  it('refuses what Lambda would not call a function name', () => {
    expect(parseFunctionReference('arn:aws:s3:::bucket')).toBeUndefined();
    expect(parseFunctionReference('has space')).toBeUndefined();
  });
});
