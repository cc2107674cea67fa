import type { SFNClient } from '@aws-sdk/client-sfn';
import { startLocalEnvironment, type LocalEnvironment } from '../../src/local/local-environment';
import { runManually, sfnClientFor, withLocalEnvironment } from '../support/local-run';
import { CASES, prepareBucket } from './bad-inputs.cases';

/**
 * Each bad input a user can give, through the deployed state machine and handlers against the
 * stand-ins: the run fails with the exact reason below, as its record and as the execution's
 * cause, and no Personalize job is started.
 */
describe('bad run input', () => {
  let environment: LocalEnvironment;
  let sfn: SFNClient;

  beforeAll(async () => {
    environment = await startLocalEnvironment();
    sfn = sfnClientFor(environment);
    await prepareBucket(environment);
  });

  afterAll(async () => {
    sfn.destroy();
    await environment.close();
  });

  it('covers at least 25 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });

  it.each(CASES.map((testCase, index) => ({ ...testCase, runId: `bad-input-${index}` })))('$name', async ({ runId, input, errorType, reason }) => {
    // Prepare
    const jobsBefore = environment.personalize.jobs().length;

    // Act
    const execution = await runManually(environment, sfn, runId, input(environment.bucket));
    const record = await environment.getRunRecord(runId);

    // Assess
    expect(record).toMatchObject({ runId, status: 'FAILED', errorType, failureReason: reason });
    expect(execution).toMatchObject({ status: 'FAILED', error: errorType, cause: reason });
    expect(environment.personalize.jobs()).toHaveLength(jobsBefore);
  });

  it('fails a run with no role anywhere, naming the missing role', async () => {
    await withLocalEnvironment({ defaults: { roleArn: undefined } }, async (noRole, noRoleSfn) => {
      await noRole.upload('manual/users.jsonl', '{"userId":"user-001"}\n');
      const execution = await runManually(noRole, noRoleSfn, 'no-role', { inputPath: `s3://${noRole.bucket}/manual/users.jsonl` });
      expect(execution.cause).toBe('Invalid run input: roleArn: is required: the input has none and no stage default is configured');
      expect(await noRole.getRunRecord('no-role')).toMatchObject({ status: 'FAILED', errorType: 'InvalidRunInputError' });
      expect(noRole.personalize.jobs()).toHaveLength(0);
    });
  });
});
