import { EmfRunMetrics } from '../../src/adapters/emf-run-metrics';
import { runMetricsSummary } from '../../src/cli/run-metrics-summary';
import { EmfCapture } from '../../src/local/emf-capture';

describe('runMetricsSummary', () => {
  it('prints the run\'s metrics once each, with the dimensions they were emitted under', () => {
    // Prepare: what the trigger and recordRun emit for one run, and another run's metrics.
    const capture = new EmfCapture();
    const metrics = new EmfRunMetrics({ namespace: 'PersonalizeBatch/local', serviceName: 'svc', knownJobGroups: new Set(['users']), write: capture.write });
    metrics.emit({ runId: 'run-1', jobGroup: 'users', jobType: 'BATCH_INFERENCE', data: [{ name: 'RunsStarted', unit: 'Count', value: 1 }] });
    metrics.emit({ runId: 'run-2', jobGroup: 'users', jobType: 'BATCH_INFERENCE', data: [{ name: 'RunsFailed', unit: 'Count', value: 1 }] });
    metrics.emit({
      runId: 'run-1',
      jobGroup: 'users',
      jobType: 'BATCH_INFERENCE',
      data: [
        { name: 'RunsSucceeded', unit: 'Count', value: 1 },
        { name: 'JobDuration', unit: 'Seconds', value: 788 },
      ],
    });

    // Act
    const lines = runMetricsSummary(capture, 'run-1');

    // Assess
    expect(lines).toEqual([
      'Run metrics (EMF, namespace PersonalizeBatch/local, JobType=BATCH_INFERENCE, JobGroup=users):',
      '  RunsStarted    1 Count',
      '  RunsSucceeded  1 Count',
      '  JobDuration    788 Seconds',
    ]);
    expect(runMetricsSummary(capture, 'run-3')).toEqual([]);
  });
});
