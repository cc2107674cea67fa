import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { Clock } from '../clock';
import { Execution, type ExecutionStore } from './execution-store';
import type { ExecutionOutcome, ExecutionSnapshot, RunnerHistoryEvent } from './types';

/**
 * One execution as `local up --data-dir` keeps it in `DIR/step-functions.json`: what DescribeExecution
 * answers, plus its history (dates as ISO strings, as JSON.stringify writes them).
 */
export interface SavedExecution {
  snapshot: ExecutionSnapshot;
  roleArn: string;
  history: HistoryEvent[];
}

export function saveExecution(execution: Execution): SavedExecution {
  return { snapshot: execution.snapshot(), roleArn: execution.roleArn, history: execution.history.page({ maxResults: Number.MAX_SAFE_INTEGER, reverseOrder: false }).events };
}

/**
 * Serves a saved execution again, closed: its history event by event at their own times, then its
 * outcome. One that was still running when the stand-in stopped has no runner any more: it closes
 * ABORTED now, as an execution stopped with the environment.
 */
export function restoreExecution(store: ExecutionStore, saved: SavedExecution): void {
  let nowMs = Date.parse(String(saved.snapshot.startDate));
  const clock = { now: () => nowMs } as unknown as Clock;
  const { snapshot } = saved;
  const closing = snapshot.status === 'RUNNING' ? undefined : saved.history.at(-1);
  const events = closing ? saved.history.slice(0, -1) : saved.history;
  const execution = store.adopt(
    (sequence) =>
      new Execution({ executionArn: snapshot.executionArn, stateMachineArn: snapshot.stateMachineArn, name: snapshot.name, input: snapshot.input, roleArn: saved.roleArn }, sequence, clock, () => undefined),
  );
  for (const event of events) {
    const { id: _id, previousEventId: _previous, timestamp, ...data } = event;
    nowMs = Date.parse(String(timestamp));
    execution.history.append(data as RunnerHistoryEvent, new Date(nowMs));
  }
  if (closing) nowMs = Date.parse(String(snapshot.stopDate));
  else nowMs = Date.now();
  execution.close(outcomeOf(snapshot));
}

function outcomeOf(snapshot: ExecutionSnapshot): ExecutionOutcome {
  if (snapshot.status === 'SUCCEEDED') return { status: 'SUCCEEDED', output: snapshot.output ?? '{}' };
  if (snapshot.status === 'RUNNING') return { status: 'ABORTED', error: 'local.Shutdown', cause: 'The local environment stopped while this execution was running' };
  return { status: snapshot.status, ...(snapshot.error !== undefined && { error: snapshot.error }), ...(snapshot.cause !== undefined && { cause: snapshot.cause }) };
}
