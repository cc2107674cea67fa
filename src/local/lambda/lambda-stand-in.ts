import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../loopback';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../local-aws';
import { localLambdaContext, type LocalLambdaHandler } from '../local-runner';
import { functionArnFor, resolveFunctionKey, type FunctionDirectory } from './function-names';
import { readAll as readBody } from '../http-body';

export interface LambdaStandInOptions {
  /** Handlers by function key (`trigger`, `startJob`, ...), as the local environment wires them. */
  functions: Record<string, LocalLambdaHandler>;
  /** `<service>-<stage>-`, so the deployed function names reach the handlers. */
  functionNamePrefix: string;
  /** Default `LOCAL_REGION`. */
  region?: string;
  /** Default `LOCAL_ACCOUNT_ID`. */
  accountId?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Attempts per `Event` invocation; Lambda makes one and retries a failure twice. Default 3. */
  asyncAttempts?: number;
  /** Hears an `Event` invocation whose attempts all failed: the function's on-failure destination. */
  onAsyncFailure?: (key: string, event: unknown, error: Error, attempts: number) => void;
}

export interface LambdaStandIn {
  endpoint: string;
  port: number;
  /** The deployed name of a function key: what callers pass as `FunctionName`. */
  functionName(key: string): string;
  /** Resolves once every `Event` invocation accepted so far has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** The wire answer to one invocation: Lambda's payload, and `Unhandled` when the handler threw. */
interface InvocationOutcome {
  payload: string;
  functionError?: 'Unhandled';
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
/** Lambda's limit for a synchronous invocation's request payload. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/**
 * Starts a local stand-in for Lambda's `Invoke` (restJson1, loopback), for the real `LambdaClient`
 * with `endpoint`: `POST /2015-03-31/functions/{FunctionName}/invocations` with the event as the body.
 *
 * As on AWS: the handler's result comes back as the JSON payload; a handler that throws still gets
 * HTTP 200, with `X-Amz-Function-Error: Unhandled` and `{"errorType","errorMessage","trace"}` as the
 * payload; a function nobody deployed is a 404 `ResourceNotFoundException`; `Event` invocations are
 * accepted with 202 and run afterwards, retried twice on failure. Signatures are not checked.
 *
 * @example
 * const lambda = await startLambdaStandIn({ functions: { trigger }, functionNamePrefix: 'my-service-local-' });
 * const client = new LambdaClient({ endpoint: lambda.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
 * await client.send(new InvokeCommand({ FunctionName: lambda.functionName('trigger'), Payload: JSON.stringify(event) }));
 */
export async function startLambdaStandIn(options: LambdaStandInOptions): Promise<LambdaStandIn> {
  const directory: FunctionDirectory = {
    functionNamePrefix: options.functionNamePrefix,
    region: options.region ?? LOCAL_REGION,
    accountId: options.accountId ?? LOCAL_ACCOUNT_ID,
    keys: new Set(Object.keys(options.functions)),
  };
  const inFlight = new Set<Promise<void>>();

  function invokeInBackground(key: string, event: unknown): void {
    const attempts = options.asyncAttempts ?? 3;
    const run = (async () => {
      let outcome: InvocationOutcome | undefined;
      for (let attempt = 1; attempt <= attempts; attempt++) {
        outcome = await invoke(options.functions, key, event);
        if (!outcome.functionError) return;
      }
      // A failure that outlasts the retries goes to the destination, or is dropped as Lambda does without one.
      const { errorType, errorMessage } = JSON.parse(outcome?.payload ?? '{}') as { errorType?: string; errorMessage?: string };
      options.onAsyncFailure?.(key, event, Object.assign(new Error(errorMessage ?? ''), { name: errorType ?? 'Error' }), attempts);
    })();
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
  }

  async function handleInvoke(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const body = await readBody(request);
    const target = request.method === 'POST' ? INVOKE_PATH.exec(url.pathname) : null;
    if (!target?.[1]) {
      writeError(response, 404, 'UnknownOperationException', `Unsupported request: ${request.method} ${url.pathname}`);
      return;
    }
    const functionName = safeDecode(target[1]);
    const key = resolveFunctionKey(functionName, url.searchParams.get('Qualifier') ?? undefined, directory);
    if (key === undefined) {
      writeError(response, 404, 'ResourceNotFoundException', `Function not found: ${functionArnFor(directory, functionName)}`);
      return;
    }
    if (body.length > MAX_PAYLOAD_BYTES) {
      writeError(response, 413, 'RequestTooLargeException', `Request must be smaller than ${MAX_PAYLOAD_BYTES} bytes for the InvokeFunction operation`);
      return;
    }
    const event = parseEvent(body);
    if (event instanceof Error) {
      writeError(response, 400, 'InvalidRequestContentException', `Could not parse request body into json: ${event.message}`);
      return;
    }
    await dispatch(String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse'), key, event, response);
  }

  async function dispatch(invocationType: string, key: string, event: unknown, response: ServerResponse): Promise<void> {
    switch (invocationType) {
      case 'RequestResponse':
        writeOutcome(response, await invoke(options.functions, key, event));
        return;
      case 'Event':
        invokeInBackground(key, event);
        writeEmpty(response, 202);
        return;
      case 'DryRun':
        writeEmpty(response, 204);
        return;
      default:
        writeError(response, 400, 'InvalidParameterValueException', `Unsupported invocation type: ${invocationType}`);
    }
  }

  const server = createServer((request, response) => {
    handleInvoke(request, response).catch((error: unknown) => {
      writeError(response, 500, 'ServiceException', error instanceof Error ? error.message : String(error));
    });
  });
  // Keep-alive sockets would hold `close()` open until the SDK's agent lets go of them.
  server.keepAliveTimeout = 1000;
  const { endpoint, port } = await listenOnLoopback(server, options.port);

  const idle = async () => {
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  };
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    port,
    functionName: (key) => `${options.functionNamePrefix}${key}`,
    idle,
    close() {
      // Let accepted Event invocations finish: the caller was told they would run.
      closing ??= idle().then(
        () =>
          new Promise<void>((resolve, reject) => {
            server.closeAllConnections();
            server.close((error) => (error ? reject(error) : resolve()));
          }),
      );
      return closing;
    },
  };
}

/** Runs a handler as Lambda's Node.js runtime does: JSON out, or the runtime's error document. */
async function invoke(functions: Record<string, LocalLambdaHandler>, key: string, event: unknown): Promise<InvocationOutcome> {
  const handler = functions[key] as LocalLambdaHandler;
  try {
    const result = await handler(event as never, localLambdaContext(key));
    // Inside the try: a result that cannot be serialized is a function error on Lambda too.
    return { payload: JSON.stringify(result ?? null) };
  } catch (error) {
    const thrown = error instanceof Error ? error : new Error(String(error));
    return { payload: JSON.stringify({ errorType: thrown.name, errorMessage: thrown.message, trace: [] }), functionError: 'Unhandled' };
  }
}

/** Lambda hands an empty request body to the function as `{}`. */
function parseEvent(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function writeOutcome(response: ServerResponse, outcome: InvocationOutcome): void {
  response.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(outcome.payload),
    'X-Amz-Executed-Version': '$LATEST',
    'x-amzn-RequestId': randomUUID(),
    ...(outcome.functionError && { 'X-Amz-Function-Error': outcome.functionError }),
  });
  response.end(outcome.payload);
}

function writeEmpty(response: ServerResponse, statusCode: number): void {
  response.writeHead(statusCode, { 'Content-Length': 0, 'x-amzn-RequestId': randomUUID() });
  response.end();
}

/**
 * restJson1 errors: the shape name in `x-amzn-ErrorType` (which the SDK reads first) and Lambda's
 * body, whose `Type` says whose fault it was.
 */
function writeError(response: ServerResponse, statusCode: number, type: string, message: string): void {
  const text = JSON.stringify({ Type: statusCode >= 500 ? 'Service' : 'User', Message: message });
  response.writeHead(statusCode, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-ErrorType': type,
    'x-amzn-RequestId': randomUUID(),
  });
  response.end(text);
}
