import type { JobDurations, JobOutcome, JobStatus } from './types';

/*
 * A job's status is a function of the clock: created at t0, `CREATE PENDING` until t0 + pendingMs,
 * `CREATE IN_PROGRESS` until t0 + pendingMs + inProgressMs, then due for finalization. Only
 * finalization (which reads and writes S3) decides between ACTIVE and CREATE FAILED.
 */

export type JobPhase = 'PENDING' | 'IN_PROGRESS' | 'DUE';

export interface JobTimeline {
  createdAtMs: number;
  durations: JobDurations;
}

function inProgressAtMs(timeline: JobTimeline): number {
  return timeline.createdAtMs + timeline.durations.pendingMs;
}

/** When the job leaves CREATE IN_PROGRESS and is due for finalization (its output written). */
export function dueAtMs(timeline: JobTimeline): number {
  return inProgressAtMs(timeline) + timeline.durations.inProgressMs;
}

export function phaseAt(timeline: JobTimeline, nowMs: number): JobPhase {
  if (nowMs < inProgressAtMs(timeline)) return 'PENDING';
  if (nowMs < dueAtMs(timeline)) return 'IN_PROGRESS';
  return 'DUE';
}

export interface ObservedStatus {
  status: JobStatus;
  lastUpdatedMs: number;
  failureReason?: string;
}

/**
 * What a caller sees at `nowMs`. A job that is due but not finalized yet still reads
 * `CREATE IN_PROGRESS`: its output is being written, and reporting ACTIVE before the files exist would
 * let a poller read a half-written result.
 */
export function observeStatus(timeline: JobTimeline, outcome: JobOutcome | undefined, nowMs: number): ObservedStatus {
  // The output may be written a little before the status says so (`activeAfterOutputMs`). A job
  // with an outcome and no such lag reads it whatever the clock says (a restored job, a later start).
  const lagMs = timeline.durations.activeAfterOutputMs ?? 0;
  const endedAtMs = dueAtMs(timeline) + lagMs;
  if (outcome && (lagMs === 0 || nowMs >= endedAtMs)) {
    return outcome.status === 'ACTIVE'
      ? { status: 'ACTIVE', lastUpdatedMs: endedAtMs }
      : { status: 'CREATE FAILED', lastUpdatedMs: endedAtMs, failureReason: outcome.failureReason };
  }
  return phaseAt(timeline, nowMs) === 'PENDING'
    ? { status: 'CREATE PENDING', lastUpdatedMs: timeline.createdAtMs }
    : { status: 'CREATE IN_PROGRESS', lastUpdatedMs: inProgressAtMs(timeline) };
}

/** The quota counts jobs the clock places in CREATE PENDING or CREATE IN_PROGRESS. */
export function isInFlight(timeline: JobTimeline, nowMs: number): boolean {
  return phaseAt(timeline, nowMs) !== 'DUE';
}

/** The durations as given, each checked finite and ≥ 0 (a RangeError names the first that is not). */
export function checkedDurations(durations: JobDurations): JobDurations {
  for (const [name, value] of Object.entries(durations)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`durations.${name} must be a finite number >= 0, got ${value}`);
  }
  return {
    pendingMs: durations.pendingMs,
    inProgressMs: durations.inProgressMs,
    ...(durations.activeAfterOutputMs !== undefined && { activeAfterOutputMs: durations.activeAfterOutputMs }),
  };
}
