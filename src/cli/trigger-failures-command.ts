import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { AsyncInvocationFailure } from '../local/failure-queue';
import { LOCAL_CREDENTIALS } from '../local/local-aws';
import type { TriggerSummary } from '../use-cases/trigger';
import { CliError, EXIT_CODES, UsageError } from './errors';
import { LOCAL_TRIGGER_FUNCTION_NAME, printSummary } from './fire-schedule-command';
import { LOCAL_STATE_FILE, NoLocalEnvironmentError, readLocalState, type LocalState } from './local-state';

interface FailuresOptions {
  cwd: string;
  print: (line: string) => void;
  json?: boolean;
}

/**
 * `local failures list`: the trigger invocations that failed after Lambda's retries, from the
 * running `local up`'s failure queue (the stand-in for the stack's `TriggerFailureQueue`).
 */
export async function listFailuresCommand(options: FailuresOptions): Promise<number> {
  const { failures } = await fetchFailures(await readLocalState(options.cwd));
  if (options.json) {
    options.print(JSON.stringify(failures));
    return EXIT_CODES.ok;
  }
  if (failures.length === 0) options.print('No failed trigger invocations.');
  for (const failure of failures) {
    options.print(`${failure.id}  ${failure.timestamp}  ${failure.responsePayload.errorType}: ${failure.responsePayload.errorMessage}`);
    options.print(`  event: ${describeEvent(failure.requestPayload)}`);
  }
  return EXIT_CODES.ok;
}

/**
 * `local failures replay <id>|--all`: invokes the trigger with each failure's original event through
 * the Lambda Invoke stand-in (as an operator re-drives the SQS messages on AWS) and deletes the
 * failure once the trigger answered; a failure that fails again stays. Exit 0 when every replayed
 * event has its run, 1 otherwise.
 */
export async function replayFailuresCommand(options: FailuresOptions & { id?: string; all: boolean }): Promise<number> {
  if ((options.id === undefined) === !options.all) throw new UsageError('give one failure id, or --all (see `local failures list`)');
  const state = await readLocalState(options.cwd);
  const { failures } = await fetchFailures(state);
  const chosen = options.all ? failures : failures.filter((failure) => failure.id === options.id);
  if (options.id !== undefined && chosen.length === 0) throw new CliError(`no failed trigger invocation ${options.id} (see \`local failures list\`)`, EXIT_CODES.noSuchRun);
  if (chosen.length === 0) options.print('No failed trigger invocations.');
  const lambda = new LambdaClient({ endpoint: state.endpoints.lambda, region: state.region, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  let exitCode: number = EXIT_CODES.ok;
  try {
    for (const failure of chosen) {
      options.print(`Replaying ${failure.id}: ${describeEvent(failure.requestPayload)}`);
      const response = await lambda.send(new InvokeCommand({ FunctionName: LOCAL_TRIGGER_FUNCTION_NAME, Payload: JSON.stringify(failure.requestPayload) }));
      const result: unknown = JSON.parse(new TextDecoder().decode(response.Payload ?? new Uint8Array()) || 'null');
      if (response.FunctionError) {
        const { errorType, errorMessage } = (result ?? {}) as { errorType?: string; errorMessage?: string };
        options.print(`✘ The trigger failed again: ${errorType ?? response.FunctionError}: ${errorMessage ?? ''} (kept in the queue)`);
        exitCode = EXIT_CODES.runNotSuccessful;
        continue;
      }
      await request(state, 'DELETE', `/failures/${encodeURIComponent(failure.id)}`);
      if (printSummary(result as TriggerSummary, options.print) !== 0) exitCode = EXIT_CODES.runNotSuccessful;
    }
  } finally {
    lambda.destroy();
  }
  return exitCode;
}

function failuresEndpoint(state: LocalState): string {
  const endpoint = (state.endpoints as { failures?: unknown }).failures;
  if (typeof endpoint !== 'string') throw new NoLocalEnvironmentError(`${LOCAL_STATE_FILE} has no failure queue endpoint: restart \`local up\``);
  return endpoint;
}

async function fetchFailures(state: LocalState): Promise<{ failures: AsyncInvocationFailure[] }> {
  return (await request(state, 'GET', '/failures')) as { failures: AsyncInvocationFailure[] };
}

async function request(state: LocalState, method: string, path: string): Promise<unknown> {
  const endpoint = failuresEndpoint(state);
  const response = await fetch(`${endpoint}${path}`, { method }).catch(() => {
    throw new NoLocalEnvironmentError(`nothing answers at ${endpoint}; ${LOCAL_STATE_FILE} was left by one that stopped`);
  });
  return response.json();
}

/** The event in one line: an upload's bucket and key, a schedule tick's schedule and time, else JSON. */
function describeEvent(event: unknown): string {
  const records = (event as { Records?: Array<{ s3?: { bucket?: { name?: string }; object?: { key?: string } } }> })?.Records;
  if (Array.isArray(records)) return records.map((record) => `upload s3://${record.s3?.bucket?.name}/${record.s3?.object?.key}`).join(', ');
  const text = JSON.stringify(event);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
