import { InvalidArgumentError, Option, type Command } from 'commander';
import { UsageError } from '../errors';
import { listRuns, reportRuns, rerunRun, showRun, stopRun, watchRun } from './commands';
import { resolveOperatorTarget, type OperatorTarget } from './target';

/** Every status a run's record can have (README, "What ends up in the runs table"). */
const RUN_STATUSES = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'RUNNING', 'WAITING_FOR_CAPACITY', 'ACCEPTED', 'REJECTED'];

interface RunsContext {
  print: (line: string) => void;
  cwd: string;
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
  setExit(code: number): void;
}

interface TargetFlags {
  stage?: string;
  region?: string;
  json: boolean;
}

/** `--stage`, `--region` and `--json`, which every `runs` command takes. */
function withTargetOptions(command: Command): Command {
  return command
    .option('--stage <stage>', 'a deployed stage (stack personalize-batch-orchestrator-<stage>, your usual AWS credentials) instead of the local environment')
    .option('--region <region>', 'region of the stage (with --stage)')
    .option('--json', 'machine-readable output', false);
}

/** Registers `runs list|show|watch|stop|rerun|report` on `runs`. */
export function registerRunsCommands(runs: Command, context: RunsContext): void {
  const act = async (flags: TargetFlags, body: (target: OperatorTarget) => Promise<number>) => {
    if (flags.region !== undefined && flags.stage === undefined) throw new UsageError('--region applies to a deployed stack: use it with --stage');
    const target = await resolveOperatorTarget({ stage: flags.stage, region: flags.region, cwd: context.cwd });
    try {
      context.setExit(await body(target));
    } finally {
      target.close();
    }
  };
  const sleep = context.sleep ? { sleep: context.sleep } : {};

  withTargetOptions(runs.command('list').description('Runs, newest first: run id, group, status, job status, queued, duration, records/errors, started.'))
    .addOption(new Option('--status <status>', 'only this status').choices(RUN_STATUSES))
    .option('--group <group>', 'only this job group')
    .option('--since <when>', 'only runs started since: 30m, 24h, 7d, 2w or an ISO 8601 time')
    .addOption(new Option('--limit <n>', 'show at most n runs').default(20).argParser(parseLimit))
    .action((flags: TargetFlags & { status?: string; group?: string; since?: string; limit: number }) =>
      act(flags, (target) => listRuns(target, { ...flags, now: context.now() }, context.print)),
    );

  withTargetOptions(runs.command('show').description("A run's record, verification, output and timeline (from its execution history)."))
    .argument('<runId>', 'the run id (its execution name)')
    .action((runId: string, flags: TargetFlags) => act(flags, (target) => showRun(target, { runId, json: flags.json }, context.print)));

  withTargetOptions(runs.command('watch').description('Follow a run to its end: state, job status, polls, elapsed and time left. Exit 0 if it succeeded, 1 if not.'))
    .argument('<runId>', 'the run id')
    .action((runId: string, flags: TargetFlags) => act(flags, (target) => watchRun(target, { runId, json: flags.json, ...sleep }, context.print)));

  withTargetOptions(runs.command('stop').description('Stop a running run (StopExecution); it is recorded ABORTED.'))
    .argument('<runId>', 'the run id')
    .option('--reason <text>', 'the cause recorded with the stop')
    .action((runId: string, flags: TargetFlags & { reason?: string }) =>
      act(flags, (target) => stopRun(target, { runId, reason: flags.reason, json: flags.json }, context.print)),
    );

  withTargetOptions(runs.command('rerun').description('Start a new run with the same request as <runId>, named <runId>-rerun-<n> and linked to it.'))
    .argument('<runId>', 'the run to re-run')
    .option('--wait', 'follow the new run to its end: exit 0 if it succeeded, 1 if not', false)
    .action((runId: string, flags: TargetFlags & { wait: boolean }) =>
      act(flags, (target) => rerunRun(target, { runId, json: flags.json, wait: flags.wait, ...sleep }, context.print)),
    );

  withTargetOptions(runs.command('report').description('Write one self-contained HTML page: runs against the job slots, durations and error rates per group.'))
    .option('--since <when>', 'runs started since: 30m, 24h, 7d, 2w or an ISO 8601 time', '7d')
    .requiredOption('--out <file.html>', 'where to write the page')
    .action((flags: TargetFlags & { since: string; out: string }) =>
      act(flags, (target) => reportRuns(target, { since: flags.since, out: flags.out, json: flags.json, now: context.now() }, context.print)),
    );
}

function parseLimit(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`must be a whole number from 1, got ${text}`);
  return value;
}
