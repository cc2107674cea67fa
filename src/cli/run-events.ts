import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { LocalEnvironment } from '../local/local-environment';
import type { TriggerSummary } from '../use-cases/trigger';
import { summarizeCause } from './progress';
import { readJson } from './json';

type Print = (line: string) => void;

/**
 * `local up`'s event lines, one per run event: accepted (or a duplicate delivery), ignored with its
 * reason, rejected, queued for a job slot, job started, finished with its outcome. Each line starts
 * with the wall-clock time and the run id. Returns the function that stops printing.
 */
export function printRunEvents(environment: LocalEnvironment, print: Print, now: () => Date = () => new Date()): () => void {
  const line = (event: string, subject: string, detail?: string) =>
    print(`${now().toISOString().slice(11, 19)}  ${event.padEnd(11)} ${subject}${detail ? `  ${detail}` : ''}`);
  const offTrigger = environment.onTriggerSummary((summary) => describeSummary(summary, line));
  const offHistory = environment.stepFunctions.onHistoryEvent((executionArn, event) => describeEvent(executionArn, event, line));
  return () => {
    offTrigger();
    offHistory();
  };
}

function describeSummary(summary: TriggerSummary, line: (event: string, subject: string, detail?: string) => void): void {
  for (const started of summary.started) line('accepted', started.executionName, started.key ?? (started.schedule ? `schedule ${started.schedule}` : undefined));
  for (const duplicate of summary.duplicates) line('duplicate', duplicate.executionName, 'delivered again; the run already exists');
  for (const ignored of summary.ignored) line('ignored', ignored.key ?? '(event)', ignored.reason);
  for (const rejected of summary.rejected) line('rejected', rejected.runId, rejected.reason);
}

function describeEvent(executionArn: string, event: HistoryEvent, line: (event: string, subject: string, detail?: string) => void): void {
  const runId = executionArn.slice(executionArn.lastIndexOf(':') + 1);
  if (event.type === 'TaskStateExited' && event.stateExitedEventDetails?.name === 'Start job') {
    const output = readJson(event.stateExitedEventDetails.output);
    if (output?.queued) line('queued', runId, `no free Personalize job slot (attempt ${output.queued.attempts})`);
    else if (output?.run?.jobArn) line('job started', runId, output.run.jobName ?? output.run.jobArn);
    return;
  }
  if (event.type === 'ExecutionStarted') {
    line('started', runId);
    return;
  }
  const closed: Partial<Record<string, string>> = { ExecutionSucceeded: 'SUCCEEDED', ExecutionFailed: 'FAILED', ExecutionTimedOut: 'TIMED_OUT', ExecutionAborted: 'ABORTED' };
  const outcome = event.type ? closed[event.type] : undefined;
  if (!outcome) return;
  const details = event.executionFailedEventDetails ?? event.executionAbortedEventDetails ?? event.executionTimedOutEventDetails;
  const reason = details ? [details.error, summarizeCause(details.cause)].filter(Boolean).join(': ') : '';
  line('finished', runId, `${outcome}${reason ? ` (${reason})` : ''}`);
}

