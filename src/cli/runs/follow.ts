import type { StoredRun } from '../../adapters/runs-listing';
import { EXIT_CODES } from '../errors';
import { describeHistoryEvent, formatDuration, summarizeCause } from '../progress';
import type { OperatorTarget } from './target';
import { estimateRemaining, FINAL_STATUSES } from './views';

const CLOSED = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);
/** The record of an execution closed by StopExecution is written by an event rule, a moment later. */
const RECORD_WAIT_ATTEMPTS = 10;

/**
 * Follows one execution to its end, printing the same progress lines as `run` (each state, the job,
 * each poll) from its history, with an estimate of the time left after each poll from the median of
 * the group's earlier successful runs. Returns 0 when it succeeded, 1 otherwise.
 * `json`: no progress, one JSON line at the end (the run's record, or the execution's outcome).
 */
export async function followExecution(
  target: OperatorTarget,
  options: { executionArn: string; jobGroup?: string | undefined; json: boolean; sleep?: (ms: number) => Promise<void> },
  print: (line: string) => void,
): Promise<number> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const groupHistory: StoredRun[] = options.jobGroup ? await target.runs.list({ jobGroup: options.jobGroup, status: 'SUCCEEDED' }) : [];
  let printed = 0;
  for (;;) {
    const execution = await target.executions.describe(options.executionArn);
    const events = await target.executions.history(options.executionArn);
    const startMs = execution.startDate?.getTime() ?? Date.now();
    let polled: number | undefined;
    for (const event of events.slice(printed)) {
      if (options.json) continue;
      const elapsed = ((event.timestamp?.getTime() ?? Date.now()) - startMs) / 1000;
      const line = describeHistoryEvent(event, `+${formatDuration(elapsed)}`);
      if (line) print(line);
      if (event.type === 'TaskStateExited' && event.stateExitedEventDetails?.name === 'Get job status') polled = elapsed;
    }
    printed = events.length;
    // One estimate per round, after its latest poll, while the run is still under way.
    const estimate = polled === undefined || CLOSED.has(String(execution.status)) ? undefined : estimateRemaining(groupHistory, execution.name ?? '', polled);
    if (estimate) print(`  ${''.padStart(8)}    ${estimate}`);
    if (CLOSED.has(String(execution.status))) return finish(target, execution.name ?? '', String(execution.status), execution, options.json, sleep, print);
    await sleep(target.pollIntervalMs);
  }
}

async function finish(
  target: OperatorTarget,
  runId: string,
  status: string,
  execution: { error?: string | undefined; cause?: string | undefined },
  json: boolean,
  sleep: (ms: number) => Promise<void>,
  print: (line: string) => void,
): Promise<number> {
  let record = await target.runs.get(runId);
  for (let attempt = 0; attempt < RECORD_WAIT_ATTEMPTS && !FINAL_STATUSES.has(record?.status ?? ''); attempt += 1) {
    await sleep(Math.min(target.pollIntervalMs, 1_000));
    record = await target.runs.get(runId);
  }
  const outcome = record?.status ?? status;
  if (json) {
    print(JSON.stringify(record ?? { runId, status }));
  } else if (outcome === 'SUCCEEDED') {
    if (record?.outputLocation) print(`Output: ${record.outputLocation}`);
    print(`✔ Run ${runId} SUCCEEDED`);
  } else {
    const reason = record?.failureReason ?? (summarizeCause(execution.cause) || execution.error);
    print(`✘ Run ${runId} ${outcome}${reason ? `: ${reason}` : ''}`);
  }
  return outcome === 'SUCCEEDED' ? EXIT_CODES.ok : EXIT_CODES.runNotSuccessful;
}
