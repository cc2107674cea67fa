import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { jobGroupDimension, type RunMetricEmission } from '../domain/run-metrics';
import type { RunMetrics } from '../middleware/run-metrics';

const UNITS = { Count: MetricUnit.Count, Seconds: MetricUnit.Seconds } as const;

export interface EmfRunMetricsOptions {
  /** CloudWatch namespace (the stage's `metricsNamespace`). */
  namespace: string;
  /** The `service` dimension Powertools adds to every metric. */
  serviceName: string;
  /** Groups with a JobGroup value of their own; the rest are `other` (see `jobGroupDimension`). */
  knownJobGroups: ReadonlySet<string>;
  /**
   * Where each EMF document goes. Unset: Powertools prints it to stdout, where Lambda's log agent
   * turns it into metrics. Local mode passes its own, to show the same figures.
   */
  write?: ((line: string) => void) | undefined;
}

/**
 * Run metrics in CloudWatch embedded metric format, written with Powertools metrics. Each run's
 * figures go out as two documents: one under `service, JobType` (totals), one under
 * `service, JobType, JobGroup`. Two documents rather than two dimension sets in one, because
 * Powertools warns on a dimension name repeated across sets; each metric still counts once per
 * dimension set. The run id rides along as metadata (searchable in the logs, not a dimension).
 */
export class EmfRunMetrics implements RunMetrics {
  private readonly metrics: Metrics;

  constructor(private readonly options: EmfRunMetricsOptions) {
    this.metrics = new Metrics({ namespace: options.namespace, serviceName: options.serviceName });
  }

  emit(emission: RunMetricEmission): void {
    if (emission.data.length === 0) return;
    const jobGroup = jobGroupDimension(emission.jobGroup, this.options.knownJobGroups);
    this.publish(emission, { JobType: emission.jobType });
    this.publish(emission, { JobType: emission.jobType, JobGroup: jobGroup });
  }

  private publish(emission: RunMetricEmission, dimensions: Record<string, string>): void {
    for (const [name, value] of Object.entries(dimensions)) this.metrics.addDimension(name, value);
    this.metrics.addMetadata('runId', emission.runId);
    for (const datum of emission.data) this.metrics.addMetric(datum.name, UNITS[datum.unit], datum.value);
    if (!this.options.write) {
      this.metrics.publishStoredMetrics();
      return;
    }
    // The same document publishStoredMetrics prints, handed to the caller instead of stdout.
    const document = this.metrics.serializeMetrics();
    this.metrics.clearMetrics();
    this.metrics.clearDimensions();
    this.metrics.clearMetadata();
    this.options.write(JSON.stringify(document));
  }
}
