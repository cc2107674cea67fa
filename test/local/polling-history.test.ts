import { LOCAL_BUCKET } from '../../src/local/local-stage';
import { withLocalEnvironment, runManually } from '../support/local-run';

/**
 * Completion from history, end to end in virtual time: the same group's second run reads the first
 * run's record through the runs table's by-group index (dynalite) and polls fewer times. The stage
 * here writes output under results/, outside the prefix the bucket notifies, so no output event wakes
 * the runs: this is the polling itself (a run woken by its output is test/local/output-wake-up.test.ts).
 */
describe('polling from a group’s history (local, virtual time)', () => {
  it('makes a group’s second run poll fewer times than its first, and detect the job sooner', async () => {
    // 41-minute jobs: the cold policy checks at 10 min, then backs off to 5 min.
    const outside = { jobDurations: { pendingMs: 60_000, inProgressMs: 40 * 60_000 }, defaults: { outputBaseUri: `s3://${LOCAL_BUCKET}/results/` } };
    await withLocalEnvironment(outside, async (environment, sfn) => {
      // Prepare
      await environment.upload('manual/users.jsonl', '{"userId":"user-001"}\n');
      await environment.upload('config/nightly.json', '{}');
      const outputPath = `s3://${environment.bucket}/results/nightly/`;
      const input = { inputPath: `s3://${environment.bucket}/manual/users.jsonl`, jobGroup: 'nightly', outputPath };

      // Act
      const first = await runManually(environment, sfn, 'history-run-1', input);
      const second = await runManually(environment, sfn, 'history-run-2', input);
      const ungrouped = await runManually(environment, sfn, 'history-run-3', { inputPath: input.inputPath, outputPath });

      // Assess
      expect([first.status, second.status, ungrouped.status]).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      const [cold, warm, noGroup] = await Promise.all(['history-run-1', 'history-run-2', 'history-run-3'].map((runId) => environment.getRunRecord(runId)));
      expect(cold).toMatchObject({ status: 'SUCCEEDED', jobGroup: 'nightly' });
      expect(warm?.pollCount).toBeLessThan(cold?.pollCount ?? 0);
      expect(warm?.elapsedSeconds).toBeLessThan(cold?.elapsedSeconds ?? 0);
      // A run without a group has no history: it polls as the first run did.
      expect(noGroup?.pollCount).toBe(cold?.pollCount);
    });
  });
});
