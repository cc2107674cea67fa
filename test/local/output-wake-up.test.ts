import type { SFNClient } from '@aws-sdk/client-sfn';
import type { LocalEnvironment } from '../../src/local/local-environment';
import { LOCAL_BUCKET } from '../../src/local/local-stage';
import { OUTPUT_EVENT_SAFETY_POLL } from '../../src/domain/polling-policy';
import { historyOf, runManually, withLocalEnvironment } from '../support/local-run';

/**
 * Completion seen by listening to the job's output, end to end in virtual time: the real state
 * machine, handlers, output waits table (dynalite), S3 notifications (s3rver) and the Personalize
 * stand-in, whose jobs write their output at their end on the virtual clock.
 */
const ONE_HOUR = { pendingMs: 60_000, inProgressMs: 3_540_000 };
const USERS = '{"userId":"user-001"}\n{"userId":"user-002"}\n';

async function statesEntered(sfn: SFNClient, executionArn: string): Promise<string[]> {
  return (await historyOf(sfn, executionArn)).flatMap((event) => (event.type?.endsWith('StateEntered') ? [event.stateEnteredEventDetails?.name ?? ''] : []));
}

async function runOneFile(environment: LocalEnvironment, sfn: SFNClient, runId: string, extra: Record<string, unknown> = {}) {
  await environment.upload('manual/users.jsonl', USERS);
  const execution = await runManually(environment, sfn, runId, { inputPath: `s3://${environment.bucket}/manual/users.jsonl`, ...extra });
  const record = await environment.getRunRecord(runId);
  return { execution, record, describes: environment.personalize.requestCounts().DescribeBatchInferenceJob ?? 0, entered: await statesEntered(sfn, execution.executionArn) };
}

describe('seeing a job finish by its output (local, virtual time)', () => {
  it('sees a one-hour job end within seconds of its output, with at most 4 Describe calls', async () => {
    await withLocalEnvironment({ jobDurations: ONE_HOUR }, async (environment, sfn) => {
      // Act
      const { execution, record, describes, entered } = await runOneFile(environment, sfn, 'wake-one-hour');

      // Assess: the job ended 3,600 s after it was created; the check that saw it came at once.
      expect(execution.status).toBe('SUCCEEDED');
      expect(record).toMatchObject({ status: 'SUCCEEDED', jobStatus: 'ACTIVE', records: 2 });
      expect(record?.elapsedSeconds).toBeGreaterThanOrEqual(3600);
      expect(record?.elapsedSeconds).toBeLessThanOrEqual(3605);
      expect(describes).toBeLessThanOrEqual(4);
      expect(record?.pollCount).toBe(describes);
      expect(entered).toContain('Wait for job output');
      // Woken, not timed out: the last wait before the check that saw ACTIVE was the output wait.
      const lastWait = entered.filter((name) => name === 'Wait for job output' || name === 'Wait for next poll').at(-1);
      expect(lastWait).toBe('Wait for job output');
      expect(environment.outputNotifications()).toHaveLength(1);
    });
  });

  it('sees a job shorter than the first check at its end: the first wait listens for the output too', async () => {
    await withLocalEnvironment({ jobDurations: { pendingMs: 60_000, inProgressMs: 120_000 } }, async (environment, sfn) => {
      // Act: a 3-minute job; the cold first check would come at 10 minutes.
      const { execution, record, describes } = await runOneFile(environment, sfn, 'wake-short-job');

      // Assess: one Describe, right after the job's end.
      expect(execution.status).toBe('SUCCEEDED');
      expect(record?.elapsedSeconds).toBeGreaterThanOrEqual(180);
      expect(record?.elapsedSeconds).toBeLessThanOrEqual(185);
      expect(describes).toBe(1);
    });
  });

  it('still sees the job end when the output event is lost: the safety poll checks anyway', async () => {
    await withLocalEnvironment({ jobDurations: ONE_HOUR, deliverOutputEvents: false }, async (environment, sfn) => {
      // Act
      const { execution, record } = await runOneFile(environment, sfn, 'wake-lost-event');

      // Assess: seen by a safety poll, within the bound the policy states (the job's own duration, at most an hour).
      expect(execution.status).toBe('SUCCEEDED');
      expect(environment.outputNotifications()).toHaveLength(1);
      expect(record?.elapsedSeconds).toBeGreaterThan(3605);
      expect((record?.elapsedSeconds ?? Infinity) - 3600).toBeLessThanOrEqual(Math.min(3600, OUTPUT_EVENT_SAFETY_POLL.maxIntervalSeconds));
      expect(record?.pollCount).toBeLessThanOrEqual(6);
      // Every check, the first one too, is a safety poll: the output wait timing out, as AWS history
      // has it (TaskTimedOut), never a failure.
      const history = await historyOf(sfn, execution.executionArn);
      expect(history.filter((event) => event.type === 'TaskFailed')).toEqual([]);
      expect(history.filter((event) => event.type === 'TaskTimedOut').map((event) => event.taskTimedOutEventDetails?.error)).toEqual(
        Array(record?.pollCount ?? 0).fill('States.Timeout'),
      );
    });
  });

  it('refuses output in another bucket before creating a job: the stack could never verify it', async () => {
    await withLocalEnvironment({ jobDurations: ONE_HOUR }, async (environment, sfn) => {
      // Act
      const { execution, record } = await runOneFile(environment, sfn, 'wake-other-bucket', { outputPath: 's3://someone-elses-bucket/results/' });

      // Assess
      expect(execution.status).toBe('FAILED');
      expect(record).toMatchObject({ status: 'FAILED', errorType: 'InvalidRunInputError' });
      expect(record?.failureReason).toMatch(/outputPath: must be under s3:\/\/[^ ]+\/output\//);
      expect(environment.personalize.jobs()).toEqual([]);
    });
  });

  it('polls as before when the output lands outside the prefix the bucket notifies', async () => {
    await withLocalEnvironment({ jobDurations: ONE_HOUR, defaults: { outputBaseUri: `s3://${LOCAL_BUCKET}/results/` } }, async (environment, sfn) => {
      // Act
      const { execution, record, entered } = await runOneFile(environment, sfn, 'wake-quiet-prefix');

      // Assess
      expect(execution.status).toBe('SUCCEEDED');
      expect(record?.outputLocation).toBe(`s3://${LOCAL_BUCKET}/results/wake-quiet-prefix/users.jsonl.out`);
      expect(entered).not.toContain('Wait for job output');
      expect(entered.filter((name) => name === 'Wait for next poll').length).toBe(record?.pollCount);
      expect(environment.outputNotifications()).toHaveLength(0);
    });
  });

  it('re-polls soon when the output wakes the run while Describe still says CREATE IN_PROGRESS', async () => {
    // The output is written 20 s before the job reads ACTIVE (AWS documents no order).
    await withLocalEnvironment({ jobDurations: { ...ONE_HOUR, activeAfterOutputMs: 20_000 } }, async (environment, sfn) => {
      // Act
      const { execution, record, entered } = await runOneFile(environment, sfn, 'wake-early-output');

      // Assess: woken at 3,600 s (still IN_PROGRESS), re-checked at +15 s (still), then +30 s (ACTIVE).
      expect(execution.status).toBe('SUCCEEDED');
      expect(record?.elapsedSeconds).toBe(3645);
      const loop = entered.filter((name) => ['Wait for job output', 'Wait for next poll', 'Verify output'].includes(name));
      expect(loop.slice(-4)).toEqual(['Wait for job output', 'Wait for next poll', 'Wait for next poll', 'Verify output']);
      expect(record?.pollCount).toBeLessThanOrEqual(6);
    });
  });

  it('wakes a run of an input folder on the first of its output files', async () => {
    await withLocalEnvironment({ jobDurations: ONE_HOUR }, async (environment, sfn) => {
      // Prepare
      await environment.upload('manual/folder/a.jsonl', USERS);
      await environment.upload('manual/folder/b.jsonl', '{"userId":"user-003"}\n');

      // Act
      const execution = await runManually(environment, sfn, 'wake-folder', { inputPath: `s3://${environment.bucket}/manual/folder/` });
      const record = await environment.getRunRecord('wake-folder');

      // Assess
      expect(execution.status).toBe('SUCCEEDED');
      expect(record).toMatchObject({ outputLocation: `s3://${environment.bucket}/output/wake-folder/`, outputFiles: 2, records: 3 });
      expect(record?.elapsedSeconds).toBeLessThanOrEqual(3605);
      expect(environment.personalize.requestCounts().DescribeBatchInferenceJob).toBeLessThanOrEqual(4);
    });
  });
});
