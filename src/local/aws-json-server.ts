import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback';
import { readText as readBody } from './http-body';

/**
 * A modeled AWS error. `type` is the shape name the SDK turns into an exception class
 * (e.g. `InvalidInputException`); AWS JSON protocols answer these with HTTP 400.
 */
export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode: number = 400,
  ) {
    super(message);
    this.name = 'AwsServiceError';
  }
}

export type AwsJsonOperation = (input: Record<string, unknown>) => unknown | Promise<unknown>;

export interface AwsJsonServerOptions {
  /** `X-Amz-Target` prefix, e.g. `AmazonPersonalize` or `AWSStepFunctions`. */
  targetPrefix: string;
  /** `application/x-amz-json-1.1` (Personalize) or `application/x-amz-json-1.0` (Step Functions). */
  contentType: string;
  operations: Record<string, AwsJsonOperation>;
  port?: number;
}

export interface AwsJsonServer {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The wire side of the AWS JSON protocols (awsJson1_0 / awsJson1_1): `POST /` with the operation in
 * `X-Amz-Target`, a JSON body, and errors as `{"__type": "<Shape>", "message": "..."}`. Signatures are
 * not checked: stand-ins run on loopback with made-up credentials.
 */
export async function startAwsJsonServer(options: AwsJsonServerOptions): Promise<AwsJsonServer> {
  const server: Server = createServer((request, response) => {
    handle(options, request, response).catch((error: unknown) => {
      writeJson(response, options.contentType, 500, {
        __type: 'InternalFailure',
        message: error instanceof Error ? error.message : String(error),
      });
    });
  });
  // Keep-alive sockets would hold `close()` open until the SDK's agent lets go of them.
  server.keepAliveTimeout = 1000;
  const { endpoint, port } = await listenOnLoopback(server, options.port);
  return {
    endpoint,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function handle(options: AwsJsonServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readBody(request);
  const target = String(request.headers['x-amz-target'] ?? '');
  const [prefix, operationName] = target.split('.', 2);
  if (request.method !== 'POST' || prefix !== options.targetPrefix || !operationName) {
    writeJson(response, options.contentType, 400, {
      __type: 'UnknownOperationException',
      message: `Unsupported request: ${request.method} ${request.url} with X-Amz-Target '${target}'`,
    });
    return;
  }
  const operation = options.operations[operationName];
  if (!operation) {
    writeJson(response, options.contentType, 400, {
      __type: 'UnknownOperationException',
      message: `Operation ${operationName} is not supported by this local stand-in`,
    });
    return;
  }
  let input: unknown;
  try {
    input = body.length === 0 ? {} : JSON.parse(body);
  } catch {
    writeJson(response, options.contentType, 400, {
      __type: 'SerializationException',
      message: 'Request body is not valid JSON',
    });
    return;
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    writeJson(response, options.contentType, 400, {
      __type: 'SerializationException',
      message: 'Request body must be a JSON object',
    });
    return;
  }
  try {
    const output = await operation(input as Record<string, unknown>);
    writeJson(response, options.contentType, 200, output ?? {});
  } catch (error) {
    if (error instanceof AwsServiceError) {
      writeJson(response, options.contentType, error.statusCode, { __type: error.type, message: error.message });
      return;
    }
    throw error;
  }
}

function writeJson(response: ServerResponse, contentType: string, statusCode: number, payload: unknown): void {
  // Both protocols send timestamps as epoch seconds (fractions allowed). The replacer reads the raw
  // property because JSON.stringify has already applied Date#toJSON to `value`.
  const text = JSON.stringify(payload, function epochSeconds(this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : value;
  });
  response.writeHead(statusCode, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': cryptoRandomId(),
  });
  response.end(text);
}

function cryptoRandomId(): string {
  return globalThis.crypto.randomUUID();
}
