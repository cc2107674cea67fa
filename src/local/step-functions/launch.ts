import { type Execution, outcomeFromRunner, outcomeFromThrown } from './execution-store';
import type { ExecutionRequest, ExecutionRunner } from './types';

/**
 * Hands the execution to its runner and records the outcome. The runner is called from a promise
 * chain rather than directly so that a synchronous throw becomes a rejection like any other, and
 * every path ends in `close`: a runner can never leave an unhandled rejection or a stuck execution.
 */
export function launch(execution: Execution, runner: ExecutionRunner): void {
  const request: ExecutionRequest = {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    input: execution.input,
    startDate: new Date(execution.startDate.getTime()),
  };
  Promise.resolve()
    .then(() => runner(request, (event) => execution.recordRunnerEvent(event), execution.closedSignal))
    .then(outcomeFromRunner, outcomeFromThrown)
    .then((outcome) => execution.close(outcome))
    .catch((error: unknown) => {
      // Only a bug in the stand-in gets here; fail the execution rather than leave it RUNNING forever.
      try {
        execution.close(outcomeFromThrown(error));
      } catch (again) {
        process.emitWarning(
          `Step Functions stand-in could not close ${execution.executionArn}: ${String(again)}`,
          'StepFunctionsStandInWarning',
        );
      }
    });
}
