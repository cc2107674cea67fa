import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import { listenOnLoopback } from './loopback';

/**
 * What Lambda sends an async invocation's on-failure destination (the stack's `TriggerFailureQueue`,
 * serverless.yml `destinations.onFailure`) once the retries are exhausted: the "invocation record"
 * of the Lambda developer guide ("Capturing records of Lambda asynchronous invocations"), plus the
 * `id` the local queue keeps it under (on AWS: the SQS message id).
 */
export interface AsyncInvocationFailure {
  id: string;
  version: '1.0';
  /** ISO time of the last attempt. */
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: 'RetriesExhausted'; approximateInvokeCount: number };
  /** The original event, exactly as the function received it: what a replay delivers again. */
  requestPayload: unknown;
  responseContext: { statusCode: 200; executedVersion: '$LATEST'; functionError: 'Unhandled' };
  responsePayload: { errorType: string; errorMessage: string };
}

/**
 * The local stand-in for the trigger's on-failure SQS queue: records in arrival order, kept until
 * removed (an operator deletes a message once its replay succeeded), optionally in a JSON file so
 * they survive a restart (`local up --data-dir`).
 */
export class FailureQueue {
  private readonly records = new Map<string, AsyncInvocationFailure>();

  constructor(private readonly file?: string) {}

  /** Loads the file's records, if there is a file and it exists. */
  async load(): Promise<void> {
    if (!this.file) return;
    const text = await readFile(this.file, 'utf8').catch(() => undefined);
    if (text === undefined) return;
    for (const record of JSON.parse(text) as AsyncInvocationFailure[]) this.records.set(record.id, record);
  }

  /** Records one exhausted async invocation of `functionArn` with `event` that last failed with `error`. */
  add(functionArn: string, event: unknown, error: unknown, attempts: number, now: Date): AsyncInvocationFailure {
    const thrown = error instanceof Error ? error : new Error(String(error));
    const record: AsyncInvocationFailure = {
      id: randomUUID(),
      version: '1.0',
      timestamp: now.toISOString(),
      requestContext: { requestId: randomUUID(), functionArn: `${functionArn}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: attempts },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: thrown.name, errorMessage: thrown.message },
    };
    this.records.set(record.id, record);
    void this.save();
    return record;
  }

  /** Oldest first. */
  list(): AsyncInvocationFailure[] {
    return [...this.records.values()];
  }

  get(id: string): AsyncInvocationFailure | undefined {
    return this.records.get(id);
  }

  remove(id: string): boolean {
    const removed = this.records.delete(id);
    if (removed) void this.save();
    return removed;
  }

  private saving: Promise<void> = Promise.resolve();

  /** Writes the file after every change, in order (the queue is small: failures are rare). */
  save(): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    this.saving = this.saving.then(() => writeFile(file, `${JSON.stringify(this.list(), null, 2)}\n`)).catch(() => undefined);
    return this.saving;
  }
}

export interface FailureQueueServer {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Serves the queue to the CLI (`local failures list|replay`) as a tiny JSON endpoint, since the
 * SQS client is not part of this project: `GET /failures` lists the records, `DELETE /failures/{id}`
 * removes one (404 when there is none). A replay is the CLI invoking the trigger with the record's
 * `requestPayload` through the Lambda Invoke stand-in, then deleting the record, as an operator
 * drains the SQS queue on AWS.
 */
export async function serveFailureQueue(queue: FailureQueue, port = 0): Promise<FailureQueueServer> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = /^\/failures(?:\/([^/]+))?$/.exec(url.pathname);
    const reply = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      response.end(text);
    };
    if (match && request.method === 'GET' && !match[1]) return reply(200, { failures: queue.list() });
    if (match?.[1] && request.method === 'DELETE') {
      const id = decodeURIComponent(match[1]);
      return queue.remove(id) ? reply(200, { deleted: id }) : reply(404, { message: `no failure ${id}` });
    }
    return reply(404, { message: `Unsupported request: ${request.method} ${url.pathname}` });
  });
  server.keepAliveTimeout = 1000;
  const { endpoint } = await listenOnLoopback(server, port);
  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
