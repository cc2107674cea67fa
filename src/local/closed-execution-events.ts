import type { ExecutionStatusChangeEvent } from '../domain/closed-execution';
import { invokeAsync } from './async-invocation';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './local-aws';
import { localLambdaContext, type LocalLambdaHandler } from './local-runner';
import type { ExecutionSnapshot, StepFunctionsStandIn } from './step-functions';

/**
 * The EventBridge rule in serverless.yml: an execution that closes FAILED, TIMED_OUT or ABORTED
 * sends "Step Functions Execution Status Change" to recordClosedExecution, asynchronously.
 * Returns a function that resolves once every event so far has been handled.
 */
export function deliverClosedExecutionEvents(stepFunctions: StepFunctionsStandIn, recordClosedExecution: LocalLambdaHandler): () => Promise<void> {
  const deliveries: Array<Promise<unknown>> = [];
  stepFunctions.onHistoryEvent((executionArn, event) => {
    if (event.type !== 'ExecutionFailed' && event.type !== 'ExecutionTimedOut' && event.type !== 'ExecutionAborted') return;
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
