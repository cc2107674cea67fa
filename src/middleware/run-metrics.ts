import type { Logger } from '@aws-lambda-powertools/logger';
import type middy from '@middy/core';
import type { RunMetricEmission } from '../domain/run-metrics';

/** Where run metrics go: CloudWatch EMF in Lambda (`EmfRunMetrics`), the same lines locally. */
export interface RunMetrics {
  emit(emission: RunMetricEmission): void;
}

/**
 * Emits the run metrics a handler's result tells of, after the handler succeeded. The composition
 * roots attach it, so handlers stay thin and a function's facts are read where they are known
 * (the trigger's started runs, recordRun's and recordClosedExecution's records). A metrics failure
 * is logged and never fails the invocation: Step Functions would retry a recorded run for it.
 *
 * @param emissions - what the result contributes; empty for a result with nothing to count
 */
export function emitRunMetrics<TEvent, TResult>(
  metrics: RunMetrics,
  emissions: (result: TResult, event: TEvent) => RunMetricEmission[],
  logger?: Logger,
): middy.MiddlewareObj<TEvent, TResult> {
  const emitRunMetricsAfter: middy.MiddlewareFn<TEvent, TResult> = async (request) => {
    try {
      for (const emission of emissions(request.response as TResult, request.event)) metrics.emit(emission);
    } catch (error) {
      logger?.warn('Could not emit run metrics', { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  };
  return { after: emitRunMetricsAfter };
}
