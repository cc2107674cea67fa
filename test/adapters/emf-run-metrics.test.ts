import { EmfRunMetrics } from '../../src/adapters/emf-run-metrics';

describe('EmfRunMetrics', () => {
  it('writes each run as two EMF documents: totals per job type, and per known group', () => {
    // Prepare
    const lines: string[] = [];
    const metrics = new EmfRunMetrics({ namespace: 'PersonalizeBatch/prod', serviceName: 'svc', knownJobGroups: new Set(['users']), write: (line) => lines.push(line) });

    // Act
    metrics.emit({ runId: 'run-1', jobGroup: 'users', jobType: 'BATCH_INFERENCE', data: [{ name: 'RunsSucceeded', unit: 'Count', value: 1 }, { name: 'JobDuration', unit: 'Seconds', value: 600 }] });

    // Assess
    const documents = lines.map((line) => JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: unknown[] } });
    expect(documents).toHaveLength(2);
    expect(documents[0]?._aws.CloudWatchMetrics).toEqual([
      { Namespace: 'PersonalizeBatch/prod', Dimensions: [['service', 'JobType']], Metrics: [{ Name: 'RunsSucceeded', Unit: 'Count' }, { Name: 'JobDuration', Unit: 'Seconds' }] },
    ]);
    expect(documents[1]?._aws.CloudWatchMetrics).toEqual([
      { Namespace: 'PersonalizeBatch/prod', Dimensions: [['service', 'JobType', 'JobGroup']], Metrics: [{ Name: 'RunsSucceeded', Unit: 'Count' }, { Name: 'JobDuration', Unit: 'Seconds' }] },
    ]);
    expect(documents[1]).toMatchObject({ service: 'svc', JobType: 'BATCH_INFERENCE', JobGroup: 'users', runId: 'run-1', RunsSucceeded: 1, JobDuration: 600 });
    expect(documents[0]).not.toHaveProperty('JobGroup');
  });

  it('writes nothing for a run with nothing to count', () => {
    // Prepare
    const lines: string[] = [];
    const metrics = new EmfRunMetrics({ namespace: 'N', serviceName: 'svc', knownJobGroups: new Set(), write: (line) => lines.push(line) });

    // Act
    metrics.emit({ runId: 'run-1', jobType: 'BATCH_INFERENCE', data: [] });

    // Assess
    expect(lines).toEqual([]);
  });
});
