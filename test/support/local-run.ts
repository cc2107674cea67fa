import { GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { startLocalEnvironment, type LocalEnvironment, type LocalEnvironmentOptions } from '../../src/local/local-environment';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';
import type { ExecutionSnapshot } from '../../src/local/step-functions';

/** A real SFNClient pointed at the environment's Step Functions stand-in. */
export function sfnClientFor(environment: LocalEnvironment): SFNClient {
  return new SFNClient({ endpoint: environment.endpoints.stepFunctions, region: environment.region, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
}

/** Starts an execution the way a console user does, and waits for it to close. */
export async function runManually(
  environment: LocalEnvironment,
  sfn: SFNClient,
  name: string,
  input: unknown,
): Promise<ExecutionSnapshot> {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: environment.stateMachineArn, name, input: JSON.stringify(input) }),
  );
  if (!executionArn) throw new Error('StartExecution returned no executionArn');
  return environment.stepFunctions.waitForExecution(executionArn);
}

export async function historyOf(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

export async function readS3Text(environment: LocalEnvironment, uri: string): Promise<string> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match?.[1] || !match[2]) throw new Error(`Not an S3 object URI: ${uri}`);
  const object = await environment.s3.send(new GetObjectCommand({ Bucket: match[1], Key: match[2] }));
  return (await object.Body?.transformToString('utf8')) ?? '';
}

export function jsonLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

/**
 * Runs a test body against a local environment of its own, and always shuts it down. For tests
 * that need options (faults, durations) the shared environment of their file cannot have.
 */
export async function withLocalEnvironment(
  options: LocalEnvironmentOptions,
  body: (environment: LocalEnvironment, sfn: SFNClient) => Promise<void>,
): Promise<void> {
  const environment = await startLocalEnvironment(options);
  const sfn = sfnClientFor(environment);
  try {
    await body(environment, sfn);
  } finally {
    sfn.destroy();
    await environment.close();
  }
}

/**
 * Whether a history event enters the polling loop's wait: "Wait for job output" (output in the data
 * bucket: a task-token wait) or "Wait for next poll" (a Wait state).
 */
export function entersPollingWait(event: { type?: string | undefined; stateEnteredEventDetails?: { name?: string | undefined } | undefined }): boolean {
  const name = event.stateEnteredEventDetails?.name;
  return (event.type === 'WaitStateEntered' && name === 'Wait for next poll') || (event.type === 'TaskStateEntered' && name === 'Wait for job output');
}
