import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../loopback';
import { triggersFor, type FaultPlan, type FaultTrigger, type HttpFault, type JobFault } from './fault-plan';
import { readAll } from '../http-body';

export type FaultService = HttpFault['service'];

export interface FaultProxy {
  endpoint: string;
  /** Faults injected so far, by `service operation error` (or `job <fault>`). */
  injected(): Record<string, number>;
  close(): Promise<void>;
}

/**
 * A small HTTP interceptor in front of one stand-in (s3rver, dynalite, the Personalize stand-in):
 * requests pass through untouched unless a rule of the fault plan fires, in which case the caller
 * gets the service's own error response. The real SDK clients see the fault as they would from AWS,
 * so their retry behaviour, and then the handlers' and the state machine's, is what gets exercised.
 *
 * For Personalize it also carries the job faults: a created job the plan picks either stays
 * `CREATE PENDING` in every Describe/List answer, or disappears (Describe answers
 * ResourceNotFoundException, List leaves it out). The stand-in itself still runs the job, so a stuck
 * job frees its quota slot when it would have finished; a stuck job as AWS has it would hold it.
 */
export async function startFaultProxy(options: {
  service: FaultService;
  target: string;
  plan: FaultPlan;
  port?: number;
}): Promise<FaultProxy> {
  const seed = options.plan.seed ?? 1;
  const httpRules = triggersFor((options.plan.http ?? []).filter((rule) => rule.service === options.service), seed, 0);
  const jobRules = options.service === 'personalize' ? triggersFor(options.plan.jobs, seed, 1000) : [];
  const jobFaults = new Map<string, JobFault['fault']>();
  const counts: Record<string, number> = {};
  const count = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);
  const target = new URL(options.target);

  const server = createServer((request, response) => {
    const operation = operationOf(options.service, request);
    const fired = httpRules.find(({ rule, trigger }) => (rule.operation === undefined || rule.operation === operation) && trigger.fires());
    if (fired) {
      count(`${options.service} ${operation} ${fired.rule.error}`);
      request.resume();
      request.on('end', () => writeError(options.service, response, fired.rule.error, fired.rule.status, request.method === 'HEAD'));
      return;
    }
    const rewrite = options.service === 'personalize' ? personalizeRewrite(operation, jobRules, jobFaults, count) : undefined;
    forward(target, request, response, rewrite);
  });
  server.keepAliveTimeout = 1000;
  const { endpoint } = await listenOnLoopback(server, options.port);
  return {
    endpoint,
    injected: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

type Rewrite = (requestBody: string, status: number, responseBody: string) => { status: number; body: string } | undefined;

function forward(target: URL, request: IncomingMessage, response: ServerResponse, rewrite: Rewrite | undefined): void {
  const upstream = httpRequest(
    { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: { ...request.headers, host: target.host } },
    (answer) => {
      if (!rewrite) {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
        return;
      }
      readAll(answer).then((body) => {
        const changed = rewrite(requestBody, answer.statusCode ?? 502, body.toString('utf8'));
        const text = changed ? changed.body : body;
        const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(text)) };
        response.writeHead(changed?.status ?? answer.statusCode ?? 502, headers);
        response.end(text);
      }, () => response.destroy());
    },
  );
  upstream.on('error', () => response.destroy());
  let requestBody = '';
  if (rewrite) request.on('data', (chunk: Buffer) => (requestBody += chunk.toString('utf8')));
  request.pipe(upstream);
}

function personalizeRewrite(
  operation: string,
  jobRules: Array<{ rule: JobFault; trigger: FaultTrigger }>,
  jobFaults: Map<string, JobFault['fault']>,
  count: (key: string) => void,
): Rewrite | undefined {
  if (operation === 'CreateBatchInferenceJob' && jobRules.length > 0) {
    return (_request, status, body) => {
      if (status !== 200) return undefined;
      const fired = jobRules.find(({ trigger }) => trigger.fires());
      const jobArn = (JSON.parse(body) as { batchInferenceJobArn?: string }).batchInferenceJobArn;
      if (fired && jobArn) {
        jobFaults.set(jobArn, fired.rule.fault);
        count(`job ${fired.rule.fault}`);
      }
      return undefined;
    };
  }
  if (operation === 'DescribeBatchInferenceJob') {
    return (request, status, body) => {
      const jobArn = (JSON.parse(request || '{}') as { batchInferenceJobArn?: string }).batchInferenceJobArn ?? '';
      const fault = jobFaults.get(jobArn);
      if (fault === 'disappears') {
        return { status: 400, body: JSON.stringify({ __type: 'ResourceNotFoundException', message: `Could not find batch inference job ${jobArn}` }) };
      }
      if (fault !== 'stuckPending' || status !== 200) return undefined;
      const answer = JSON.parse(body) as { batchInferenceJob: Record<string, unknown> };
      answer.batchInferenceJob = { ...answer.batchInferenceJob, status: 'CREATE PENDING' };
      delete answer.batchInferenceJob.failureReason;
      return { status, body: JSON.stringify(answer) };
    };
  }
  if (operation === 'ListBatchInferenceJobs') {
    return (_request, status, body) => {
      if (status !== 200 || jobFaults.size === 0) return undefined;
      const answer = JSON.parse(body) as { batchInferenceJobs?: Array<{ batchInferenceJobArn?: string; status?: string }> };
      answer.batchInferenceJobs = (answer.batchInferenceJobs ?? [])
        .filter((job) => jobFaults.get(job.batchInferenceJobArn ?? '') !== 'disappears')
        .map((job) => (jobFaults.get(job.batchInferenceJobArn ?? '') === 'stuckPending' ? { ...job, status: 'CREATE PENDING' } : job));
      return { status, body: JSON.stringify(answer) };
    };
  }
  return undefined;
}

/** The API operation a request is for: `X-Amz-Target` for the JSON protocols, method and URL for S3. */
export function operationOf(service: FaultService, request: Pick<IncomingMessage, 'method' | 'url' | 'headers'>): string {
  if (service !== 's3') return String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
  const url = new URL(request.url ?? '/', 'http://local');
  const [, bucket, ...key] = url.pathname.split('/');
  const query = url.searchParams;
  const onObject = key.join('/') !== '';
  switch (request.method) {
    case 'GET':
      if (!onObject) return bucket ? (query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects') : 'ListBuckets';
      return 'GetObject';
    case 'HEAD':
      return onObject ? 'HeadObject' : 'HeadBucket';
    case 'PUT':
      if (!onObject) return 'CreateBucket';
      if (query.has('partNumber')) return 'UploadPart';
      return request.headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject';
    case 'POST':
      if (query.has('uploads')) return 'CreateMultipartUpload';
      if (query.has('uploadId')) return 'CompleteMultipartUpload';
      return query.has('delete') ? 'DeleteObjects' : 'PostObject';
    case 'DELETE':
      if (query.has('uploadId')) return 'AbortMultipartUpload';
      return onObject ? 'DeleteObject' : 'DeleteBucket';
    default:
      return request.method ?? '';
  }
}

const DEFAULT_STATUS: Record<string, number> = {
  SlowDown: 503,
  ServiceUnavailable: 503,
  InternalFailure: 500,
  InternalError: 500,
  InternalServerError: 500,
};

function writeError(service: FaultService, response: ServerResponse, code: string, status: number | undefined, head: boolean): void {
  const statusCode = status ?? DEFAULT_STATUS[code] ?? 400;
  const message = `Injected by the local fault plan: ${code}`;
  if (service === 's3') {
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>local-fault</RequestId></Error>`;
    response.writeHead(statusCode, { 'Content-Type': 'application/xml', 'Content-Length': head ? 0 : Buffer.byteLength(body), 'x-amz-request-id': 'local-fault' });
    response.end(head ? undefined : body);
    return;
  }
  const body = JSON.stringify({ __type: code, message });
  const contentType = service === 'dynamodb' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
  response.writeHead(statusCode, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'x-amzn-RequestId': 'local-fault' });
  response.end(body);
}
