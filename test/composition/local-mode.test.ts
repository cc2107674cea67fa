import { RUN_RECORD_RETENTION_DAYS } from '../../src/local/local-stage';
import { runManually, withLocalEnvironment } from '../support/local-run';

const SECONDS_PER_DAY = 86_400;
const USERS = '{"userId":"user-001"}\n{"userId":"user-002"}\n';

/** Local mode wires each function through the composition root its Lambda entry point uses. */
describe('local mode wired like the deployment', () => {
  it('gives an uploaded run\'s record the expiry the deployed runs table gets (RUN_RECORD_RETENTION_DAYS)', async () => {
    await withLocalEnvironment({ jobDurations: { pendingMs: 60_000, inProgressMs: 120_000 } }, async (environment) => {
      // Prepare
      await environment.upload('input/users.jsonl', USERS);

      // Act
      const [summary] = await environment.triggersSettled();
      const started = summary?.started[0];
      if (!started) throw new Error('the upload started no run');
      const accepted = await environment.getRunRecord(started.executionName);
      await environment.stepFunctions.waitForExecution(started.executionArn);
      const record = await environment.getRunRecord(started.executionName);

      // Assess
      expect(accepted?.expiresAt).toBe(Math.floor(Date.parse(String(accepted?.acceptedAt)) / 1000) + RUN_RECORD_RETENTION_DAYS * SECONDS_PER_DAY);
      expect(record).toMatchObject({ status: 'SUCCEEDED' });
      expect(record?.expiresAt).toBe(Math.floor(Date.parse(String(record?.completedAt)) / 1000) + RUN_RECORD_RETENTION_DAYS * SECONDS_PER_DAY);
    });
  });

  it('gives a run that closed unrecorded the same expiry, through recordClosedExecution', async () => {
    await withLocalEnvironment({ injectFault: (key) => (key === 'recordRun' ? 'Lambda.Unknown' : undefined) }, async (environment, sfn) => {
      // Prepare
      await environment.upload('manual/users.jsonl', USERS);

      // Act
      const execution = await runManually(environment, sfn, 'unrecorded', { inputPath: `s3://${environment.bucket}/manual/users.jsonl` });
      await environment.closedExecutionsSettled();
      const record = await environment.getRunRecord('unrecorded');

      // Assess
      expect(execution.status).toBe('FAILED');
      expect(record).toMatchObject({ status: 'FAILED' });
      expect(record?.expiresAt).toBe(Math.floor(Date.parse(String(record?.completedAt)) / 1000) + RUN_RECORD_RETENTION_DAYS * SECONDS_PER_DAY);
    });
  });

  it('passes the defaults option to startJob as the environment variables --param would set', async () => {
    await withLocalEnvironment({ defaults: { numResults: 7 } }, async (environment, sfn) => {
      // Prepare
      await environment.upload('manual/users.jsonl', USERS);

      // Act
      await runManually(environment, sfn, 'seven', { inputPath: `s3://${environment.bucket}/manual/users.jsonl` });

      // Assess
      expect(await environment.getRunRecord('seven')).toMatchObject({ status: 'SUCCEEDED', numResults: 7 });
    });
  });
});
