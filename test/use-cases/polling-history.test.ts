import { DEFAULT_POLLING_POLICY } from '../../src/domain/polling-policy';
import type { RunHistory } from '../../src/use-cases/ports';
import { pollingWithHistory } from '../../src/use-cases/polling-history';

function historyOf(runs: Awaited<ReturnType<RunHistory['recentFinishedRuns']>>) {
  const asked: Array<{ jobGroup: string; limit: number }> = [];
  const history: RunHistory = {
    recentFinishedRuns: async (jobGroup, limit) => {
      asked.push({ jobGroup, limit });
      return runs;
    },
  };
  return { history, asked };
}

describe('pollingWithHistory', () => {
  it('adds the group’s expected duration, read once with a bounded limit', async () => {
    // Prepare
    const { history, asked } = historyOf([{ jobStatus: 'ACTIVE', elapsedSeconds: 1400 }]);

    // Act
    const polling = await pollingWithHistory(DEFAULT_POLLING_POLICY, 'daily', { history });

    // Assess
    expect(asked).toEqual([{ jobGroup: 'daily', limit: 20 }]);
    expect(polling).toMatchObject({ ...DEFAULT_POLLING_POLICY, expected: { runs: 1 } });
    expect(polling.expected?.medianSeconds).toBeCloseTo(1400, 6);
  });

  it('keeps the cold policy for a run without a group, and for a group with no finished job', async () => {
    // Prepare
    const { history, asked } = historyOf([{ jobStatus: 'CREATE FAILED', elapsedSeconds: 30 }]);

    // Act & Assess
    await expect(pollingWithHistory(DEFAULT_POLLING_POLICY, undefined, { history })).resolves.toBe(DEFAULT_POLLING_POLICY);
    expect(asked).toEqual([]);
    await expect(pollingWithHistory(DEFAULT_POLLING_POLICY, 'new-group', { history })).resolves.toBe(DEFAULT_POLLING_POLICY);
  });

  it('falls back to the cold policy and warns when the read fails, never failing the run', async () => {
    // Prepare
    const warnings: Array<{ message: string; details: Record<string, unknown> }> = [];
    const history: RunHistory = { recentFinishedRuns: () => Promise.reject(Object.assign(new Error('timed out'), { name: 'AbortError' })) };

    // Act
    const polling = await pollingWithHistory(DEFAULT_POLLING_POLICY, 'daily', { history, warn: (message, details) => warnings.push({ message, details }) });

    // Assess
    expect(polling).toBe(DEFAULT_POLLING_POLICY);
    expect(warnings).toEqual([{ message: expect.stringContaining('polling without history'), details: { jobGroup: 'daily', error: 'AbortError: timed out' } }]);
  });
});
