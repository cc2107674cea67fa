import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { startedAtOf, type StoredRun } from '../../adapters/runs-listing';
import { formatDuration, summarizeCause } from '../progress';
import { UsageError } from '../errors';
import { readJson } from '../json';

/** Statuses after which a record no longer changes. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'REJECTED']);

/**
 * `--since 24h` / `7d` / `30m` / an ISO 8601 time → the time it names.
 *
 * @throws UsageError for anything else.
 */
export function parseSince(text: string, now: Date): Date {
  const relative = /^(\d+)([mhdw])$/.exec(text.trim());
  if (relative) {
    const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[relative[2] as 'm' | 'h' | 'd' | 'w'];
    return new Date(now.getTime() - Number(relative[1]) * unitMs);
  }
  const absolute = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(absolute)) return new Date(absolute);
  throw new UsageError(`--since must be a duration like 30m, 24h, 7d, 2w or an ISO 8601 time, got ${JSON.stringify(text)}`);
}

/** Seconds from the run's start to its end (or to `now` while it is under way); undefined when unknown. */
export function durationSeconds(run: StoredRun, now: number): number | undefined {
  const start = startedAtOf(run);
  if (start === undefined) return undefined;
  const end = typeof run.completedAt === 'string' ? Date.parse(run.completedAt) : FINAL_STATUSES.has(run.status ?? '') ? undefined : now;
  return end === undefined || Number.isNaN(end) ? undefined : Math.max(0, (end - start) / 1000);
}

/**
 * The verification figures, when the record has them (written by the record step once it checks
 * the output): top-level `records`/`errorRecords` or the same inside `verification`.
 */
export function verificationOf(run: StoredRun): { records?: number; errorRecords?: number; [field: string]: unknown } | undefined {
  const nested = typeof run.verification === 'object' && run.verification !== null ? (run.verification as Record<string, unknown>) : {};
  const records = typeof run.records === 'number' ? run.records : nested.records;
  const errorRecords = typeof run.errorRecords === 'number' ? run.errorRecords : nested.errorRecords;
  if (typeof records !== 'number' && typeof errorRecords !== 'number' && Object.keys(nested).length === 0) return undefined;
  return {
    ...nested,
    ...(typeof records === 'number' && { records }),
    ...(typeof errorRecords === 'number' && { errorRecords }),
  };
}

/** The run this one re-runs, when `runs rerun` started it. */
export function rerunOf(run: StoredRun): string | undefined {
  const value = run.source?.rerunOf;
  return typeof value === 'string' ? value : undefined;
}

const COLUMNS = ['RUN ID', 'GROUP', 'STATUS', 'JOB STATUS', 'QUEUED', 'DURATION', 'RECORDS/ERRORS', 'STARTED'] as const;

/** The `runs list` table: one line per run, columns padded to their widest cell. */
export function formatRunsTable(runs: StoredRun[], now: number): string[] {
  const rows = runs.map((run) => {
    const duration = durationSeconds(run, now);
    const verification = verificationOf(run);
    const start = startedAtOf(run);
    return [
      run.runId,
      run.jobGroup ?? '-',
      run.status ?? '-',
      run.jobStatus ?? '-',
      typeof run.queuedSeconds === 'number' ? formatDuration(run.queuedSeconds) : run.status === 'WAITING_FOR_CAPACITY' ? 'waiting' : '-',
      duration === undefined ? '-' : `${formatDuration(duration)}${FINAL_STATUSES.has(run.status ?? '') ? '' : '…'}`,
      verification ? `${verification.records ?? '?'}/${verification.errorRecords ?? '?'}` : '-',
      start === undefined ? '-' : new Date(start).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ];
  });
  const widths = COLUMNS.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(COLUMNS), ...rows.map(line)];
}

/** One moment in a run's life, for `runs show`. */
export interface TimelineEntry {
  at: string;
  event: string;
  detail?: string;
}

/**
 * The run's timeline from its record and its execution history: accepted, each queued attempt, the
 * job created, each poll, the record written, and how the execution closed.
 */
export function buildTimeline(run: StoredRun | undefined, history: HistoryEvent[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  if (run?.acceptedAt) entries.push({ at: run.acceptedAt, event: 'accepted', detail: `by the trigger${run.deliveries && run.deliveries > 1 ? ` (${run.deliveries} deliveries)` : ''}` });
  if (run?.rejectedAt) entries.push({ at: run.rejectedAt, event: 'rejected', detail: run.failureReason });
  for (const event of history) {
    const at = event.timestamp instanceof Date ? event.timestamp.toISOString() : String(event.timestamp ?? '');
    const entry = timelineEntryOf(event);
    if (entry) entries.push({ at, ...entry });
  }
  return entries;
}

function timelineEntryOf(event: HistoryEvent): Omit<TimelineEntry, 'at'> | undefined {
  switch (event.type) {
    case 'ExecutionStarted':
      return { event: 'execution started' };
    case 'TaskStateExited': {
      const name = event.stateExitedEventDetails?.name;
      const output = readJson(event.stateExitedEventDetails?.output);
      if (name === 'Start job' && output?.queued) {
        const { attempts, priority, lastRefusal } = output.queued;
        const refused = lastRefusal ? `; Personalize refused: ${lastRefusal}` : '';
        return { event: 'queued', detail: `no free job slot (attempt ${attempts ?? '?'}, priority ${priority ?? 5})${refused}` };
      }
      if (name === 'Start job' && output?.run?.jobArn) return { event: 'job created', detail: `${output.run.jobArn}${output.run.adoptedExistingJob ? ' (adopted)' : ''}` };
      if (name === 'Get job status' && output?.poll) return { event: `poll ${output.poll.count}`, detail: `${output.poll.status ?? 'unknown'} after ${formatDuration(output.poll.elapsedSeconds ?? 0)}` };
      if (name === 'Record run') {
        const verification = output?.verification ?? (typeof output?.records === 'number' ? { records: output.records, errorRecords: output.errorRecords } : undefined);
        const verified = verification ? `; verified ${verification.records ?? '?'} records, ${verification.errorRecords ?? '?'} with errors` : '';
        return { event: 'recorded', detail: `${output?.status ?? ''}${verified}`.trim() };
      }
      return name && /verif/i.test(name) ? { event: 'verified', detail: name } : undefined;
    }
    case 'TaskFailed':
      return { event: 'task failed', detail: `${event.taskFailedEventDetails?.error ?? 'error'}: ${summarizeCause(event.taskFailedEventDetails?.cause)}` };
    case 'TaskTimedOut':
      return { event: 'task timed out', detail: `${event.taskTimedOutEventDetails?.error ?? 'States.Timeout'}: ${summarizeCause(event.taskTimedOutEventDetails?.cause)}` };
    case 'ExecutionSucceeded':
      return { event: 'execution succeeded' };
    case 'ExecutionFailed':
      return { event: 'execution failed', detail: `${event.executionFailedEventDetails?.error ?? ''} ${summarizeCause(event.executionFailedEventDetails?.cause)}`.trim() };
    case 'ExecutionTimedOut':
      return { event: 'execution timed out' };
    case 'ExecutionAborted':
      return { event: 'execution aborted', detail: [event.executionAbortedEventDetails?.error, event.executionAbortedEventDetails?.cause].filter(Boolean).join(': ') || undefined };
    default:
      return undefined;
  }
}

/**
 * How much longer a run of `jobGroup` will likely take: the median duration of the group's earlier
 * SUCCEEDED runs minus what has elapsed. Undefined without history.
 */
export function estimateRemaining(history: StoredRun[], runId: string, elapsedSeconds: number): string | undefined {
  const durations = history
    .filter((run) => run.runId !== runId && run.status === 'SUCCEEDED')
    .map((run) => durationSeconds(run, Date.now()))
    .filter((seconds): seconds is number => seconds !== undefined)
    .sort((a, b) => a - b);
  if (durations.length === 0) return undefined;
  const middle = Math.floor(durations.length / 2);
  const median = durations.length % 2 === 1 ? (durations[middle] as number) : ((durations[middle - 1] as number) + (durations[middle] as number)) / 2;
  const basis = `median of ${durations.length} earlier successful run${durations.length === 1 ? '' : 's'}: ${formatDuration(median)}`;
  const left = median - elapsedSeconds;
  return left > 0 ? `about ${formatDuration(left)} left (${basis})` : `longer than usual (${basis})`;
}

