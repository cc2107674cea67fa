import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localStateOf, writeLocalState } from '../../src/cli/local-state';
import { main } from '../../src/cli/main';
import { startLocalEnvironment, type LocalEnvironment } from '../../src/local/local-environment';
import { withStderr } from '../support/capture-stderr';

const noSleep = async () => undefined;
const USERS = '{"userId":"user-001"}\n{"userId":"user-002"}\n';

/** Runs `main` and returns what it printed and its exit code. */
async function cli(argv: string[], cwd: string): Promise<{ exitCode: number; out: string; stderr: string }> {
  const lines: string[] = [];
  const { exitCode, stderr } = await withStderr(() => main(argv, (line) => lines.push(line), { cwd, sleep: noSleep }));
  return { exitCode, out: lines.join('\n'), stderr };
}

describe('personalize-batch runs, on the local environment', () => {
  let environment: LocalEnvironment;
  let cwd: string;

  beforeAll(async () => {
    environment = await startLocalEnvironment({ time: 'virtual', jobDurations: { pendingMs: 60_000, inProgressMs: 240_000 } });
    cwd = await mkdtemp(join(tmpdir(), 'pbo-runs-'));
    await writeLocalState(cwd, localStateOf(environment));
    await environment.upload('config/users.json', JSON.stringify({ numResults: 3 }));
    // Two successful uploads in group users, and one upload that is not JSON Lines.
    for (const name of ['a.jsonl', 'b.jsonl']) await environment.upload(`input/users/${name}`, USERS);
    await environment.upload('input/users/broken.jsonl', 'userId\n');
    await environment.triggersSettled();
    await environment.stepFunctions.idle();
  });

  afterAll(async () => {
    await environment.close();
    await rm(cwd, { recursive: true, force: true });
  });

  it('lists the runs newest first as a table, and as the table items with --json', async () => {
    const table = await cli(['runs', 'list'], cwd);
    const json = await cli(['runs', 'list', '--json', '--status', 'SUCCEEDED'], cwd);

    expect(table.exitCode).toBe(0);
    const [header, ...rows] = table.out.split('\n');
    expect(header).toMatch(/^RUN ID\s+GROUP\s+STATUS\s+JOB STATUS\s+QUEUED\s+DURATION\s+RECORDS\/ERRORS\s+STARTED$/);
    expect(rows).toHaveLength(3);
    expect(rows.filter((row) => /\busers\s+SUCCEEDED\s+ACTIVE\b/.test(row))).toHaveLength(2);
    expect(rows.filter((row) => /\busers\s+FAILED\b/.test(row))).toHaveLength(1);
    const parsed = JSON.parse(json.out) as Array<Record<string, unknown>>;
    expect(parsed).toHaveLength(2);
    expect(parsed[0]).toMatchObject({ status: 'SUCCEEDED', jobGroup: 'users', executionArn: expect.any(String), startedAt: expect.any(String) });
    const started = parsed.map((run) => Date.parse(String(run.startedAt)));
    expect(started).toEqual([...started].sort((a, b) => b - a));
  });

  it('pages with --limit and says how many more there are', async () => {
    const { out } = await cli(['runs', 'list', '--limit', '1'], cwd);

    expect(out.split('\n')).toHaveLength(3);
    expect(out).toContain('… 2 older run(s) not shown: --limit 3 shows them all.');
  });

  it('shows a run with its output and a timeline from its execution history', async () => {
    const [run] = JSON.parse((await cli(['runs', 'list', '--json', '--status', 'SUCCEEDED', '--limit', '1'], cwd)).out) as Array<{ runId: string }>;

    const shown = await cli(['runs', 'show', run?.runId ?? ''], cwd);
    const json = JSON.parse((await cli(['runs', 'show', run?.runId ?? '', '--json'], cwd)).out) as { timeline: Array<{ event: string }>; status: string };

    expect(shown.exitCode).toBe(0);
    expect(shown.out).toMatch(/^Run upload-\S+ {2}SUCCEEDED \(job ACTIVE\)/);
    expect(shown.out).toMatch(/output +s3:\/\/.*\.out/);
    expect(json.status).toBe('SUCCEEDED');
    const events = json.timeline.map((entry) => entry.event);
    expect(events.slice(0, 3)).toEqual(['accepted', 'execution started', 'job created']);
    expect(events).toEqual(expect.arrayContaining(['poll 1', 'recorded', 'execution succeeded']));
  });

  it('watches a finished run to its outcome with the progress lines of run: exit 0 when it succeeded, 1 when not', async () => {
    const runs = JSON.parse((await cli(['runs', 'list', '--json'], cwd)).out) as Array<{ runId: string; status: string }>;
    const succeeded = runs.find((run) => run.status === 'SUCCEEDED')?.runId ?? '';
    const failed = runs.find((run) => run.status === 'FAILED')?.runId ?? '';

    const good = await cli(['runs', 'watch', succeeded], cwd);
    const bad = await cli(['runs', 'watch', failed], cwd);

    expect(good.exitCode).toBe(0);
    expect(good.out).toMatch(/→ Start job/);
    expect(good.out).toMatch(/poll \d+: ACTIVE/);
    expect(good.out).toContain(`✔ Run ${succeeded} SUCCEEDED`);
    expect(bad.exitCode).toBe(1);
    expect(bad.out).toMatch(new RegExp(`✘ Run ${failed} FAILED: .*JSON`));
  });

  it('re-runs a run under <runId>-rerun-1 with the same request, linked to the old run', async () => {
    const [run] = JSON.parse((await cli(['runs', 'list', '--json', '--status', 'SUCCEEDED', '--limit', '1'], cwd)).out) as Array<{ runId: string; inputPath: string }>;
    const runId = run?.runId ?? '';

    const first = await cli(['runs', 'rerun', runId, '--wait'], cwd);
    const second = await cli(['runs', 'rerun', runId, '--json'], cwd);
    await environment.stepFunctions.idle();
    const shown = await cli(['runs', 'show', `${runId}-rerun-1`, '--json'], cwd);

    expect(first.exitCode).toBe(0);
    expect(first.out).toContain(`Started run ${runId}-rerun-1 (rerun of ${runId})`);
    expect(first.out).toContain(`✔ Run ${runId}-rerun-1 SUCCEEDED`);
    expect(JSON.parse(second.out)).toMatchObject({ runId: `${runId}-rerun-2`, rerunOf: runId });
    expect(JSON.parse(shown.out)).toMatchObject({ status: 'SUCCEEDED', inputPath: run?.inputPath, jobGroup: 'users', source: { rerunOf: runId } });
    expect((await cli(['runs', 'show', `${runId}-rerun-1`], cwd)).out).toMatch(new RegExp(`rerun of +${runId}`));
  });

  it('gives a rerun started while the previous rerun still runs a name of its own', async () => {
    const [run] = JSON.parse((await cli(['runs', 'list', '--json', '--status', 'SUCCEEDED', '--limit', '1'], cwd)).out) as Array<{ runId: string }>;
    const runId = run?.runId ?? '';

    // Back to back, without --wait: the first is still running when the second starts.
    const first = JSON.parse((await cli(['runs', 'rerun', runId, '--json'], cwd)).out) as { runId: string; executionArn: string };
    const second = JSON.parse((await cli(['runs', 'rerun', runId, '--json'], cwd)).out) as { runId: string; executionArn: string };
    await environment.stepFunctions.idle();

    expect(first.runId).not.toBe(second.runId);
    expect(first.executionArn).not.toBe(second.executionArn);
    const executions = await Promise.all([first, second].map((rerun) => environment.stepFunctions.waitForExecution(rerun.executionArn)));
    expect(executions.map((execution) => [execution.name, execution.status])).toEqual([
      [first.runId, 'SUCCEEDED'],
      [second.runId, 'SUCCEEDED'],
    ]);
  });

  it('stops a running run: the execution is ABORTED and the run recorded ABORTED; stopping it again exits 1', async () => {
    await environment.upload('scheduled/slow.jsonl', USERS);
    const slow = await startLocalEnvironmentRun(environment, cwd);

    const stopped = await cli(['runs', 'stop', slow, '--reason', 'wrong input'], cwd);
    await environment.closedExecutionsSettled();
    const again = await cli(['runs', 'stop', slow], cwd);
    const shown = JSON.parse((await cli(['runs', 'show', slow, '--json'], cwd)).out) as { status: string; timeline: Array<{ event: string; detail?: string }> };

    expect(stopped.exitCode).toBe(0);
    expect(stopped.out).toContain(`Stopped run ${slow}`);
    expect(shown.status).toBe('ABORTED');
    expect(shown.timeline.at(-1)).toEqual(expect.objectContaining({ event: 'execution aborted', detail: 'Operator.Stopped: wrong input' }));
    expect(again.exitCode).toBe(1);
    expect(again.out).toBe(`Run ${slow} already ended ABORTED; nothing to stop.`);
  });

  it('exits 4 with one line for a run that does not exist', async () => {
    const { exitCode, stderr } = await cli(['runs', 'show', 'no-such-run'], cwd);

    expect(exitCode).toBe(4);
    expect(stderr).toBe('personalize-batch: No run no-such-run on the local environment (' + environment.endpoints.stepFunctions + '): `personalize-batch runs list` shows the runs there\n');
  });

  it('writes the report page', async () => {
    const out = join(cwd, 'report.html');

    const { exitCode } = await cli(['runs', 'report', '--since', '1d', '--out', out], cwd);

    expect(exitCode).toBe(0);
    const html = await readFile(out, 'utf8');
    expect(html).not.toMatch(/<(link|img|iframe)\b|\bsrc=|fetch\(|https?:\/\/(?!www\.w3\.org|127\.0\.0\.1)/);
    expect(html).toContain("\"runId\":\"slow-run\"");
  });
});

/**
 * Starts a run whose job takes hours (a job duration the environment's polls cannot reach soon)
 * and waits until it is polling; returns its run id.
 */
async function startLocalEnvironmentRun(environment: LocalEnvironment, cwd: string): Promise<string> {
  const polling = new Promise<void>((resolve) => {
    const off = environment.stepFunctions.onHistoryEvent((arn, event) => {
      if (arn.endsWith(':slow-run') && event.type === 'TaskStateExited' && event.stateExitedEventDetails?.name === 'Start job') {
        off();
        resolve();
      }
    });
  });
  const { exitCode } = await cli(['start', '--input', `s3://${environment.bucket}/scheduled/slow.jsonl`, '--name', 'slow-run', '--group', 'users'], cwd);
  if (exitCode !== 0) throw new Error('start failed');
  await polling;
  return 'slow-run';
}
