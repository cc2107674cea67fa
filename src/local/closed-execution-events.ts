import type { ExecutionStatusChangeEvent } from '../domain/closed-execution';
import { invokeAsync } from './async-invocation';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './local-aws';
import { localLambdaContext, type LocalLambdaHandler } from './local-runner';
import type { ExecutionSnapshot, StepFunctionsStandIn } from './step-functions';

/** The history events that close an execution, as the rule's `detail.status` values name them. */
const CLOSING_EVENTS = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted']);

/**
 * The EventBridge rule in serverless.yml: an execution that closes (SUCCEEDED, FAILED, TIMED_OUT or
 * ABORTED) sends "Step Functions Execution Status Change" to recordClosedExecution, asynchronously.
 * Returns a function that resolves once every event so far has been handled.
 */
export function deliverClosedExecutionEvents(stepFunctions: StepFunctionsStandIn, recordClosedExecution: LocalLambdaHandler): () => Promise<void> {
  const deliveries: Array<Promise<unknown>> = [];
  stepFunctions.onHistoryEvent((executionArn, event) => {
    if (!CLOSING_EVENTS.has(event.type ?? '')) return;
    const delivery = stepFunctions
      .waitForExecution(executionArn)
      .then((execution) => invokeAsync(() => recordClosedExecution(statusChangeEvent(execution) as never, localLambdaContext('recordClosedExecution'))));
    delivery.catch(() => undefined);
    deliveries.push(delivery);
  });
  return () => Promise.allSettled(deliveries).then(() => undefined);
}

/** The event EventBridge delivers when an execution closes, as Step Functions publishes it. */
function statusChangeEvent(execution: ExecutionSnapshot): ExecutionStatusChangeEvent {
  return {
    version: '0',
    id: globalThis.crypto.randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: LOCAL_ACCOUNT_ID,
    time: (execution.stopDate ?? new Date()).toISOString(),
    region: LOCAL_REGION,
    resources: [execution.executionArn],
    detail: {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate.getTime(),
      stopDate: execution.stopDate?.getTime() ?? null,
      error: execution.error ?? null,
      cause: execution.cause ?? null,
    },
  };
}
