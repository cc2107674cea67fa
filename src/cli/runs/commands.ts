import { writeFile } from 'node:fs/promises';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { StoredRun } from '../../adapters/runs-listing';
import { CliError, EXIT_CODES } from '../errors';
import { formatDuration } from '../progress';
import { followExecution } from './follow';
import { renderReport } from './report-html';
import type { OperatorTarget } from './target';
import { buildTimeline, durationSeconds, formatRunsTable, parseSince, rerunOf, verificationOf } from './views';

type Print = (line: string) => void;

/** Execution names are at most 80 characters (Step Functions). */
const MAX_NAME_LENGTH = 80;

/**
 * `runs list`: newest first, filtered, at most `limit` (the rest is counted, not hidden).
 * `--json`: an array of the runs table's items, field names as stored.
 */
export async function listRuns(
  target: OperatorTarget,
  options: { status?: string | undefined; group?: string | undefined; since?: string | undefined; limit: number; json: boolean; now: Date },
  print: Print,
): Promise<number> {
  const since = options.since === undefined ? undefined : parseSince(options.since, options.now);
  const runs = await target.runs.list({ status: options.status, jobGroup: options.group, since });
  const shown = runs.slice(0, options.limit);
  if (options.json) {
    print(JSON.stringify(shown, null, 2));
    return EXIT_CODES.ok;
  }
  if (runs.length === 0) {
    print(`No runs on ${target.description}${options.status || options.group || options.since ? ' match the filters' : ''}.`);
    return EXIT_CODES.ok;
  }
  for (const line of formatRunsTable(shown, options.now.getTime())) print(line);
  if (runs.length > shown.length) print(`… ${runs.length - shown.length} older run(s) not shown: --limit ${runs.length} shows them all.`);
  return EXIT_CODES.ok;
}

/** A run's record (if any) and its execution's history (if it has an execution). */
async function lookUpRun(target: OperatorTarget, runId: string): Promise<{ run: StoredRun | undefined; executionArn: string; history: HistoryEvent[] | undefined }> {
  const run = await target.runs.get(runId);
  const executionArn = typeof run?.executionArn === 'string' ? run.executionArn : target.executions.executionArnFor(runId);
  let history: HistoryEvent[] | undefined;
  try {
    history = await target.executions.history(executionArn);
  } catch (error) {
    if (!(error instanceof Error && (error.name === 'ExecutionDoesNotExist' || error.name === 'InvalidArn'))) throw error;
  }
  if (!run && !history) throw new CliError(`No run ${runId} on ${target.description}: \`personalize-batch runs list\` shows the runs there`, EXIT_CODES.noSuchRun);
  return { run, executionArn, history };
}

/** `runs show <runId>`: the record, verification, output, rerun link, and the timeline. */
export async function showRun(target: OperatorTarget, options: { runId: string; json: boolean }, print: Print): Promise<number> {
  const { run, executionArn, history } = await lookUpRun(target, options.runId);
  const timeline = buildTimeline(run, history ?? []);
  if (options.json) {
    print(JSON.stringify({ ...(run ?? { runId: options.runId, executionArn }), timeline }, null, 2));
    return EXIT_CODES.ok;
  }
  const status = run?.status ?? 'no record yet';
  print(`Run ${options.runId}  ${status}${run?.jobStatus ? ` (job ${run.jobStatus})` : ''}`);
  const lines: Array<[string, unknown]> = [
    ['group', run?.jobGroup],
    ['rerun of', run && rerunOf(run)],
    ['execution', executionArn],
    ['input', run?.inputPath],
    ['job', run?.jobArn],
    ['queued', typeof run?.queuedSeconds === 'number' ? `${formatDuration(run.queuedSeconds)} (${run.capacityAttempts ?? '?'} refusals)` : undefined],
    ['duration', run && durationSeconds(run, Date.now()) !== undefined ? formatDuration(durationSeconds(run, Date.now()) as number) : undefined],
    ['polls', run?.pollCount],
    ['output', run?.outputLocation ?? run?.outputPath],
    ['failure', run?.failureReason ? `${run.errorType ? `${run.errorType}: ` : ''}${run.failureReason}` : undefined],
  ];
  for (const [label, value] of lines) if (value !== undefined && value !== '') print(`  ${label.padEnd(10)} ${String(value)}`);
  const verification = run && verificationOf(run);
  if (verification) {
    print('  verification');
    for (const [field, value] of Object.entries(verification)) print(`    ${field}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  }
  print('Timeline');
  if (timeline.length === 0) print('  (no execution history)');
  for (const entry of timeline) print(`  ${entry.at.replace(/\.\d{3}Z$/, 'Z')}  ${entry.event}${entry.detail ? `  ${entry.detail}` : ''}`);
  return EXIT_CODES.ok;
}

/** `runs watch <runId>`: follows the execution to its end; exit 0 if it succeeded, 1 if not. */
export async function watchRun(
  target: OperatorTarget,
  options: { runId: string; json: boolean; sleep?: (ms: number) => Promise<void> },
  print: Print,
): Promise<number> {
  const { run, executionArn } = await lookUpRun(target, options.runId);
  return followExecution(target, { executionArn, jobGroup: run?.jobGroup, json: options.json, ...(options.sleep && { sleep: options.sleep }) }, print);
}

/** `runs stop <runId>`: StopExecution; the closed-execution rule records the run ABORTED. */
export async function stopRun(target: OperatorTarget, options: { runId: string; reason?: string | undefined; json: boolean }, print: Print): Promise<number> {
  const { executionArn, history } = await lookUpRun(target, options.runId);
  if (!history) throw new CliError(`Run ${options.runId} has no execution to stop (it was never started)`, EXIT_CODES.runNotSuccessful);
  const before = await target.executions.describe(executionArn);
  if (before.status !== 'RUNNING') {
    if (options.json) print(JSON.stringify({ runId: options.runId, executionArn, stopped: false, status: before.status }));
    else print(`Run ${options.runId} already ended ${before.status}; nothing to stop.`);
    return EXIT_CODES.runNotSuccessful;
  }
  const stopDate = await target.executions.stop(executionArn, { error: 'Operator.Stopped', cause: options.reason ?? 'Stopped with personalize-batch runs stop' });
  if (options.json) print(JSON.stringify({ runId: options.runId, executionArn, stopped: true, stopDate: stopDate?.toISOString() }));
  else print(`Stopped run ${options.runId}: the execution is ABORTED and the run is recorded ABORTED. Its Personalize job, if one started, runs on (Personalize cannot stop one).`);
  return EXIT_CODES.ok;
}

/**
 * `runs rerun <runId>`: a new execution with the old one's input under `<old>-rerun-<n>`, its
 * `source.rerunOf` naming the old run (kept on the new run's record). A `jobName` the old input
 * fixed is dropped: Personalize never reuses a job name.
 */
export async function rerunRun(
  target: OperatorTarget,
  options: { runId: string; json: boolean; wait: boolean; sleep?: (ms: number) => Promise<void> },
  print: Print,
): Promise<number> {
  const { executionArn, history } = await lookUpRun(target, options.runId);
  if (!history) throw new CliError(`Run ${options.runId} has no execution to take the request from (it was rejected before starting)`, EXIT_CODES.runNotSuccessful);
  const old = await target.executions.describe(executionArn);
  const input = JSON.parse(old.input ?? '{}') as Record<string, unknown>;
  const { jobName: _droppedJobName, ...request } = input;
  const source = typeof request.source === 'object' && request.source !== null ? (request.source as Record<string, unknown>) : {};
  const rerunInput = { ...request, source: { ...source, rerunOf: options.runId } };
  const base = options.runId.replace(/-rerun-\d+$/, '');
  for (let attempt = 1; attempt <= 100; attempt += 1) {
    const suffix = `-rerun-${attempt}`;
    const name = `${base.slice(0, MAX_NAME_LENGTH - suffix.length)}${suffix}`;
    // StartExecution answers a repeat of a *running* execution's name and input with that
    // execution, as if it had started it: a rerun still under way must count as taken.
    if (await executionExists(target, name)) continue;
    const started = await target.executions.start({ name, input: rerunInput });
    if (!started.started) continue;
    if (options.json && !options.wait) print(JSON.stringify({ runId: name, executionArn: started.executionArn, rerunOf: options.runId }));
    else print(`Started run ${name} (rerun of ${options.runId}) on ${target.description}`);
    if (!options.wait) return EXIT_CODES.ok;
    return followExecution(
      target,
      { executionArn: started.executionArn, jobGroup: typeof request.jobGroup === 'string' ? request.jobGroup : undefined, json: options.json, ...(options.sleep && { sleep: options.sleep }) },
      print,
    );
  }
  throw new CliError(`Run ${options.runId} has been re-run 100 times; start another by hand with \`personalize-batch start\``, EXIT_CODES.runNotSuccessful);
}

async function executionExists(target: OperatorTarget, name: string): Promise<boolean> {
  try {
    await target.executions.describe(target.executions.executionArnFor(name));
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ExecutionDoesNotExist') return false;
    throw error;
  }
}

/** `runs report --out file.html`: one self-contained page about the runs since `--since`. */
export async function reportRuns(target: OperatorTarget, options: { since: string; out: string; json: boolean; now: Date }, print: Print): Promise<number> {
  const since = parseSince(options.since, options.now);
  const runs = await target.runs.list({ since });
  const html = renderReport(runs, { since, now: options.now, title: `Runs on ${target.description}` });
  try {
    await writeFile(options.out, html);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`Cannot write ${options.out}: ${code === 'EISDIR' ? 'it is a folder' : code === 'ENOENT' ? 'its folder does not exist' : (error as Error).message}`);
  }
  if (options.json) print(JSON.stringify({ out: options.out, runs: runs.length }));
  else print(`Wrote ${options.out}: ${runs.length} run(s) since ${since.toISOString()}.`);
  return EXIT_CODES.ok;
}
