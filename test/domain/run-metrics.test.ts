import { ConfigurationError } from '../../src/domain/errors';
import { finishedRunMetrics, jobGroupDimension, parseKnownJobGroups } from '../../src/domain/run-metrics';

describe('finishedRunMetrics', () => {
  it('counts the outcome and reports each figure the run reached', () => {
    // Act
    const data = finishedRunMetrics({
      status: 'SUCCEEDED',
      jobArn: 'arn:aws:personalize:us-east-1:123456789012:batch-inference-job/j',
      queuedSeconds: 240,
      elapsedSeconds: 1380,
      pollCount: 9,
      records: 1000,
      errorRecords: 3,
    });

    // Assess
    expect(data).toEqual([
      { name: 'RunsSucceeded', unit: 'Count', value: 1 },
      { name: 'QueuedForCapacity', unit: 'Seconds', value: 240 },
      { name: 'JobDuration', unit: 'Seconds', value: 1380 },
      { name: 'PollsPerRun', unit: 'Count', value: 9 },
      { name: 'Records', unit: 'Count', value: 1000 },
      { name: 'ErrorRecords', unit: 'Count', value: 3 },
    ]);
  });

  it.each([
    ['FAILED', 'RunsFailed'],
    ['TIMED_OUT', 'RunsTimedOut'],
    ['ABORTED', 'RunsAborted'],
  ])('counts a %s run as %s, leaving out figures it never reached', (status, name) => {
    // Act / Assess
    expect(finishedRunMetrics({ status })).toEqual([{ name, unit: 'Count', value: 1 }]);
  });

  it('reports no job duration for a run without a job, and nothing for a status that is not an outcome', () => {
    // Act / Assess
    expect(finishedRunMetrics({ status: 'FAILED', elapsedSeconds: 30 })).toEqual([{ name: 'RunsFailed', unit: 'Count', value: 1 }]);
    expect(finishedRunMetrics({ status: 'RUNNING', pollCount: 2 })).toEqual([]);
  });
});

describe('the JobGroup dimension', () => {
  const known = parseKnownJobGroups('users, items');

  it.each([
    [undefined, 'default'],
    ['default', 'default'],
    ['users', 'users'],
    ['marketing-adhoc-2026', 'other'],
  ])('reports group %p as %p', (group, value) => {
    expect(jobGroupDimension(group, known)).toBe(value);
  });

  it('takes at most 20 known groups, each a job group name', () => {
    // Act / Assess
    expect(parseKnownJobGroups(Array.from({ length: 20 }, (_, i) => `g${i}`).join(',')).size).toBe(20);
    expect(() => parseKnownJobGroups(Array.from({ length: 21 }, (_, i) => `g${i}`).join(','))).toThrow(ConfigurationError);
    expect(() => parseKnownJobGroups('users,no spaces')).toThrow('METRICS_JOB_GROUPS names "no spaces", which are not job group names');
    expect(parseKnownJobGroups(undefined).size).toBe(0);
  });
});
