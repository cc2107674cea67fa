import type { RunsStore } from './ports';
import { buildRunRecord, type RecordRequest, type RunRecord } from '../domain/run';

export interface RecordRunDependencies {
  store: RunsStore;
  now: () => number;
  /** Days the record is kept before DynamoDB's TTL removes it; 0 or unset keeps it forever. */
  retentionDays?: number | undefined;
}

const SECONDS_PER_DAY = 86_400;

/**
 * Records how a run ended.
 *
 * Primary course: build the record from the final state and write it under the run id, so each
 * run has exactly one record whatever path it took to its end.
 */
export async function recordRun(request: RecordRequest, deps: RecordRunDependencies): Promise<RunRecord> {
  const completedAt = deps.now();
  const record = buildRunRecord(request, new Date(completedAt));
  if (deps.retentionDays && deps.retentionDays > 0) {
    // DynamoDB TTL reads epoch seconds.
    record.expiresAt = Math.floor(completedAt / 1000) + deps.retentionDays * SECONDS_PER_DAY;
  }
  await deps.store.put(record);
  return record;
}
