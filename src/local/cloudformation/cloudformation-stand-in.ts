import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../local-aws';
import { listenOnLoopback } from '../loopback';
import { readText as readBody } from '../http-body';

/** A stack the stand-in pretends is deployed: its name and its outputs (serverless.yml `Outputs`). */
export interface StandInStack {
  stackName: string;
  outputs: Record<string, string>;
}

export interface CloudFormationStandIn {
  /** `http://127.0.0.1:<port>`: the `endpoint` of a `CloudFormationClient` (or `AWS_ENDPOINT_URL_CLOUDFORMATION`). */
  endpoint: string;
  close(): Promise<void>;
}

const XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const API_VERSION = '2010-05-15';

/**
 * A CloudFormation stand-in serving DescribeStacks only, so the CLI's `--stage` path (which finds a
 * stage's resources through its stack's outputs) runs against local mode. CloudFormation speaks the
 * awsQuery protocol: a form-encoded `POST /` with `Action` and `Version`, answered in XML; errors are
 * `<ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error>`. A stack that
 * does not exist is HTTP 400 `ValidationError` "Stack with id <name> does not exist", as AWS answers
 * it; `StackName` may be the name or the stack ID. Every stack is `CREATE_COMPLETE`.
 */
export async function startCloudFormationStandIn(options: { stacks: StandInStack[]; port?: number; region?: string; accountId?: string }): Promise<CloudFormationStandIn> {
  const region = options.region ?? LOCAL_REGION;
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const creationTime = new Date();
  const stacks = options.stacks.map((stack) => ({
    ...stack,
    stackId: `arn:aws:cloudformation:${region}:${accountId}:stack/${stack.stackName}/${randomUUID()}`,
  }));

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      writeError(response, 500, 'Receiver', 'InternalFailure', error instanceof Error ? error.message : String(error));
    });
  });
  server.keepAliveTimeout = 1000;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(request));
    const action = form.get('Action');
    if (request.method !== 'POST' || action === null) {
      writeError(response, 400, 'Sender', 'MissingAction', 'Missing Action');
      return;
    }
    if (form.get('Version') !== API_VERSION) {
      writeError(response, 400, 'Sender', 'InvalidParameterValue', `Unsupported Version: ${form.get('Version') ?? '(none)'}`);
      return;
    }
    if (action !== 'DescribeStacks') {
      writeError(response, 400, 'Sender', 'InvalidAction', `Could not find operation ${action} for version ${API_VERSION}`);
      return;
    }
    const stackName = form.get('StackName');
    const matching = stackName === null ? stacks : stacks.filter((stack) => stack.stackName === stackName || stack.stackId === stackName);
    if (stackName !== null && matching.length === 0) {
      writeError(response, 400, 'Sender', 'ValidationError', `Stack with id ${stackName} does not exist`);
      return;
    }
    const members = matching.map(
      (stack) =>
        `<member><StackId>${escapeXml(stack.stackId)}</StackId><StackName>${escapeXml(stack.stackName)}</StackName>` +
        `<CreationTime>${creationTime.toISOString()}</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus>` +
        `<Outputs>${Object.entries(stack.outputs)
          .map(([key, value]) => `<member><OutputKey>${escapeXml(key)}</OutputKey><OutputValue>${escapeXml(value)}</OutputValue></member>`)
          .join('')}</Outputs></member>`,
    );
    writeXml(
      response,
      200,
      `<DescribeStacksResponse xmlns="${XMLNS}"><DescribeStacksResult><Stacks>${members.join('')}</Stacks></DescribeStacksResult>` +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></DescribeStacksResponse>`,
    );
  }

  const { endpoint } = await listenOnLoopback(server, options.port);
  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function writeError(response: ServerResponse, status: number, type: 'Sender' | 'Receiver', code: string, message: string): void {
  writeXml(
    response,
    status,
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
      `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

function writeXml(response: ServerResponse, status: number, body: string): void {
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
  response.writeHead(status, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': randomUUID() });
  response.end(text);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

