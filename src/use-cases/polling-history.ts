import type { RunHistory } from './ports';
import { expectedDurationFrom, HISTORY_RUNS } from '../domain/expected-duration';
import type { PollingPolicy } from '../domain/polling-policy';

export interface PollingHistoryDependencies {
  history?: RunHistory | undefined;
  warn?: ((message: string, details: Record<string, unknown>) => void) | undefined;
}

/**
 * The run's polling policy with its group's expected duration (`expected`), read once when the
 * job starts: one bounded read of the group's last {@link HISTORY_RUNS} finished runs. A run
 * without a job group, a group without finished jobs, or a failed read keeps the cold policy: the
 * history only places the checks, so it never fails the run.
 */
export async function pollingWithHistory(polling: PollingPolicy, jobGroup: string | undefined, deps: PollingHistoryDependencies): Promise<PollingPolicy> {
  if (jobGroup === undefined || !deps.history) return polling;
  try {
    const expected = expectedDurationFrom(await deps.history.recentFinishedRuns(jobGroup, HISTORY_RUNS));
    return expected ? { ...polling, expected } : polling;
  } catch (error) {
    deps.warn?.("Could not read the job group's previous runs; polling without history", {
      jobGroup,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    return polling;
  }
}
