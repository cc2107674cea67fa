import type { RunsStore } from '../adapters/runs-table';
import { buildRunRecord, type RecordRequest, type RunRecord } from '../domain/run';

export interface RecordRunDependencies {
  store: RunsStore;
  now: () => number;
}

/**
 * Records how a run ended.
 *
 * Primary course: build the record from the final state and write it under the run id, so each
 * run has exactly one record whatever path it took to its end.
 */
export async function recordRun(request: RecordRequest, deps: RecordRunDependencies): Promise<RunRecord> {
  const record = buildRunRecord(request, new Date(deps.now()));
  await deps.store.put(record);
  return record;
}
