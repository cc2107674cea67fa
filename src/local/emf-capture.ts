/**
 * The run metrics local mode's functions emitted, kept as the EMF documents Lambda would have
 * printed, so `personalize-batch run` and the tests can show and check the same figures CloudWatch
 * would get.
 */
export interface EmfDocument {
  _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [member: string]: unknown;
}

/** A metric as CloudWatch would store it: name, unit, value and its dimensions. */
export interface EmittedMetric {
  namespace: string;
  name: string;
  unit: string;
  value: number;
  dimensions: Record<string, string>;
  runId?: string | undefined;
}

export class EmfCapture {
  private readonly documents: EmfDocument[] = [];

  /** The sink the functions write to (`CompositionOptions.metricsOutput`). */
  readonly write = (line: string): void => {
    this.documents.push(JSON.parse(line) as EmfDocument);
  };

  /** Every document so far, as printed. */
  all(): EmfDocument[] {
    return [...this.documents];
  }

  /**
   * Every metric under every dimension set, flattened. `dimensionNames` picks one dimension set
   * (e.g. `['service', 'JobType']`), which counts each run once.
   */
  metrics(filter: { runId?: string; dimensionNames?: readonly string[] } = {}): EmittedMetric[] {
    return this.documents.flatMap((document) =>
      document._aws.CloudWatchMetrics.flatMap((directive) =>
        directive.Dimensions.filter((names) => !filter.dimensionNames || sameNames(names, filter.dimensionNames)).flatMap((names) =>
          directive.Metrics.map((metric) => ({
            namespace: directive.Namespace,
            name: metric.Name,
            unit: metric.Unit,
            value: Number(document[metric.Name]),
            dimensions: Object.fromEntries(names.map((name) => [name, String(document[name])])),
            runId: typeof document.runId === 'string' ? document.runId : undefined,
          })),
        ),
      ).filter((metric) => filter.runId === undefined || metric.runId === filter.runId),
    );
  }
}

function sameNames(names: readonly string[], wanted: readonly string[]): boolean {
  return names.length === wanted.length && wanted.every((name) => names.includes(name));
}
