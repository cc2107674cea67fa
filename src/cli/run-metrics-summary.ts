import type { EmfCapture } from '../local/emf-capture';

/**
 * The run's metrics as CloudWatch would receive them from Lambda: what its functions emitted in
 * embedded metric format, one line per metric under the `service, JobType` dimension set (each run
 * counted once), with the JobGroup value the per-group set used.
 *
 * @returns the lines to print; none when the run emitted nothing
 */
export function runMetricsSummary(metrics: EmfCapture, runId: string): string[] {
  const totals = metrics.metrics({ runId, dimensionNames: ['service', 'JobType'] });
  const first = totals[0];
  if (!first) return [];
  const group = metrics.metrics({ runId, dimensionNames: ['service', 'JobType', 'JobGroup'] })[0]?.dimensions.JobGroup;
  const width = Math.max(...totals.map((metric) => metric.name.length));
  return [
    `Run metrics (EMF, namespace ${first.namespace}, JobType=${first.dimensions.JobType}${group ? `, JobGroup=${group}` : ''}):`,
    ...totals.map((metric) => `  ${metric.name.padEnd(width)}  ${metric.value} ${metric.unit}`),
  ];
}
