import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { AslDefinition, LocalLambdaHandler } from './local-runner';

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
export const LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN = `${LAMBDA_INVOKE}.waitForTaskToken`;

/*
 * How the local runner invokes a function in process, as `lambda:invoke` would: the payload and
 * result go through JSON (as they would over the wire), and a function error becomes the Error and
 * Cause Step Functions reports.
 */

/** A payload or result as it crosses the wire: JSON text, `undefined` as `null`. */
export function roundTripJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

/** A Lambda context for an in-process invocation; the handlers only read it for logging. */
export function localLambdaContext(functionKey: string): Context {
  const deadline = Date.now() + 60_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `local-${functionKey}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:local-${functionKey}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/local-${functionKey}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** An error as Step Functions reports it: `name` is the Error, `message` the Cause. */
export function lambdaError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** What `lambda:invoke` reports for a function error: Error = errorType, Cause = Lambda's error JSON. */
export function asLambdaFunctionError(error: unknown): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const cause = JSON.stringify({
    errorType: original.name,
    errorMessage: original.message,
    trace: (original.stack ?? '').split('\n'),
  });
  return lambdaError(original.name, cause);
}

/** Finds the handler for every `lambda:invoke` Task; a Task without one is a wiring bug. */
export function mapTaskStatesToFunctions(definition: AslDefinition, handlers: Record<string, LocalLambdaHandler>): Map<string, string> {
  const mapping = new Map<string, string>();
  for (const [stateName, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task') continue;
    if (state.Resource !== LAMBDA_INVOKE && state.Resource !== LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN) {
      throw new Error(`Task "${stateName}" uses ${state.Resource}; the local runner only supports ${LAMBDA_INVOKE} and ${LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN}`);
    }
    const functionKey = functionKeyOf(state.Parameters?.FunctionName ?? '');
    if (!handlers[functionKey]) {
      throw new Error(`Task "${stateName}" invokes "${functionKey}", which has no local handler`);
    }
    mapping.set(stateName, functionKey);
  }
  return mapping;
}

/** `${self:service}-${sls:stage}-startJob` → `startJob`. */
function functionKeyOf(functionName: string): string {
  const afterStage = functionName.split('${sls:stage}-')[1];
  return afterStage ?? functionName.slice(functionName.lastIndexOf(':') + 1);
}
