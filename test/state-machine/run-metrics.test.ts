import { runManually, withLocalEnvironment } from '../support/local-run';

/*
 * The run metrics, end to end: the trigger, recordRun and recordClosedExecution, wired by their
 * composition roots as in Lambda, emit EMF documents; local mode collects what Lambda would print.
 */

const USERS = '{"userId":"user-001"}\n{"userId":"user-002"}\n';
const TOTALS = ['service', 'JobType'];
const PER_GROUP = ['service', 'JobType', 'JobGroup'];

describe('run metrics', () => {
  it('counts an uploaded run as started and succeeded, with its job duration and polls, per job type and per group', async () => {
    await withLocalEnvironment({ jobDurations: { pendingMs: 60_000, inProgressMs: 600_000 } }, async (environment) => {
      // Act
      await environment.upload('input/weekly/users.jsonl', USERS);
      const [summary] = await environment.triggersSettled();
      const started = summary?.started[0];
      if (!started) throw new Error('the upload started no run');
      await environment.stepFunctions.waitForExecution(started.executionArn);
      const record = await environment.getRunRecord(started.executionName);

      // Assess
      const totals = environment.metrics.metrics({ runId: started.executionName, dimensionNames: TOTALS });
      expect(totals.map((metric) => [metric.name, metric.unit, metric.value])).toEqual([
        ['RunsStarted', 'Count', 1],
        ['RunsSucceeded', 'Count', 1],
        ['JobDuration', 'Seconds', record?.elapsedSeconds],
        ['PollsPerRun', 'Count', record?.pollCount],
        // From the output verification: every record of the input, none failed.
        ['Records', 'Count', record?.records],
        ['ErrorRecords', 'Count', record?.errorRecords],
      ]);
      expect(record).toMatchObject({ records: 2, errorRecords: 0 });
      expect(record?.elapsedSeconds).toBeGreaterThanOrEqual(660);
      expect(totals[0]).toMatchObject({ namespace: 'PersonalizeBatch/local', dimensions: { service: 'personalize-batch-orchestrator', JobType: 'BATCH_INFERENCE' } });
      // "weekly" is not a known group of the local stage: it counts under "other".
      const perGroup = environment.metrics.metrics({ runId: started.executionName, dimensionNames: PER_GROUP });
      expect(perGroup.map((metric) => metric.dimensions.JobGroup)).toEqual(['other', 'other', 'other', 'other', 'other', 'other']);
    });
  });

  it('counts a failed run once, with no job figures, and a run closed unrecorded through recordClosedExecution', async () => {
    await withLocalEnvironment({ injectFault: (key) => (key === 'recordRun' ? 'Lambda.Unknown' : undefined) }, async (environment, sfn) => {
      // Prepare
      await environment.upload('manual/users.jsonl', USERS);

      // Act: the record step crashes every time; the closed execution's event records the run.
      await runManually(environment, sfn, 'closed-unrecorded', { inputPath: `s3://${environment.bucket}/manual/users.jsonl` });
      await environment.closedExecutionsSettled();

      // Assess: counted once, by recordClosedExecution, with what the run had reached.
      const totals = environment.metrics.metrics({ runId: 'closed-unrecorded', dimensionNames: TOTALS });
      expect(totals.map((metric) => metric.name)).toEqual(['RunsFailed']);
    });
  });

  it('counts a run with bad input as failed, without job figures', async () => {
    await withLocalEnvironment({}, async (environment, sfn) => {
      // Act
      await runManually(environment, sfn, 'bad-input', { inputPath: 'not-a-uri', jobGroup: 'default' });

      // Assess
      const totals = environment.metrics.metrics({ runId: 'bad-input', dimensionNames: TOTALS });
      expect(totals.map((metric) => [metric.name, metric.value])).toEqual([['RunsFailed', 1]]);
      expect(environment.metrics.metrics({ runId: 'bad-input', dimensionNames: PER_GROUP })[0]?.dimensions.JobGroup).toBe('default');
    });
  });
});
