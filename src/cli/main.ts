import '../local/polyfills';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { resolve } from 'node:path';
import { version } from '../../package.json';
import { JOB_GROUP_NAME_PATTERN } from '../domain/job-group-config';
import { findExecutionNameViolation } from '../local/step-functions/execution-names';
import { CliError, EXIT_CODES, requireFolderOrNothing, requireReadableFile, UsageError } from './errors';
import { describeFailure } from './failures';
import { fireScheduleCommand } from './fire-schedule-command';
import { readConfigFile } from './local-config';
import { localUpCommand } from './local-up-command';
import { runCommand } from './run-command';
import { registerRunsCommands } from './runs/register';
import { startCommand } from './start-command';
import { listFailuresCommand, replayFailuresCommand } from './trigger-failures-command';

export { UsageError } from './errors';

/** What a test pins down; a user gets the defaults. */
export interface MainContext {
  /** Where the local state file and schedules.json are looked for, and `local up` writes its state. */
  cwd?: string;
  /** The clock `runs list --since` and `runs report` read. */
  now?: () => Date;
  /** How `runs watch` and `--wait` pause between looks. */
  sleep?: (ms: number) => Promise<void>;
  /** Ends `local up` (a test's stand-in for Ctrl-C). */
  untilSignal?: () => Promise<void>;
}

/** Prints a line on stdout; tests collect them. */
export type Print = (line: string) => void;

/**
 * Runs the CLI and returns its exit code (`EXIT_CODES`: 0 done, 1 run not successful, 2 command-line
 * mistake, 3 nothing to talk to, 4 no such run). Every error is one line on stderr, never a trace.
 */
export async function main(
  argv: string[],
  print: Print = (line) => process.stdout.write(`${line}\n`),
  context: MainContext = {},
): Promise<number> {
  let exitCode: number = EXIT_CODES.ok;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = buildProgram(print, context, setExit);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    // Commander has already printed its one line (or the help); only its exit code is left.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    const failure = describeFailure(error);
    process.stderr.write(`personalize-batch: ${failure.message}\n`);
    return failure.exitCode;
  }
}

function buildProgram(print: Print, context: MainContext, setExit: (code: number) => void): Command {
  const cwd = context.cwd ?? process.cwd();
  const program = new Command('personalize-batch')
    .description('Run Amazon Personalize batch inference jobs with AWS Step Functions, locally or on a deployed stage, and operate their runs.')
    .version(version, '-V, --version', 'print the version')
    .addHelpText('after', '\nExit codes: 0 done, 1 the run did not succeed, 2 command-line mistake, 3 nothing to talk to\n(no local environment, stack, credentials), 4 no such run. Details: README, "Operating runs".');
  configure(program, print);

  program
    .command('run')
    .description('Run one batch inference run locally, from upload to recorded result (virtual time).')
    .argument('<input.jsonl>', 'the input file (JSON Lines)')
    .option('--config <file.json>', "job group settings (as config/<group>.json in the bucket) and an optional \"local\" section")
    .addOption(new Option('--group <name>', 'job group of the run (default local-run with --config)').argParser(parseJobGroup))
    .option('--out-dir <dir>', 'where the output is copied', 'local-output')
    .option('--verbose', "print the handlers' logs", false)
    .action(async (inputFile: string, options: { config?: string; group?: string; outDir: string; verbose: boolean }) => {
      await requireReadableFile(inputFile, 'input file');
      await requireFolderOrNothing(options.outDir, '--out-dir');
      const config = await readConfigFile(options.config);
      setExit(await runCommand({ inputFile, config, outputDirectory: options.outDir, jobGroup: options.group, verbose: options.verbose, print }));
    });

  const local = configure(program.command('local').description('The local environment: stand-ins for S3, DynamoDB, Personalize, Step Functions, Lambda.'), print);
  local
    .command('up')
    .description('Start the local stand-ins in real time until Ctrl-C; print their endpoints as one JSON line (also kept in .personalize-batch/local.json), then one line per run event.')
    .addOption(
      new Option('--port <n>', 'fixed ports: Personalize on n, Step Functions n+1, S3 n+2, DynamoDB n+3, Lambda n+4, EventBridge n+5, CloudFormation n+6, failure queue n+7; 0: free ports')
        .argParser(parsePort)
        .default(DEFAULT_BASE_PORT),
    )
    .option('--data-dir <dir>', 'keep buckets, tables, jobs, executions and failed trigger invocations in this folder across restarts')
    .option('--config <file.json>', 'a "local" section tuning the stand-ins (job durations, job quota, catalog)')
    .option('--quiet', 'no run event lines', false)
    .option('--no-examples', 'start with an empty bucket (default: the example job group config/users.json and scheduled/users/nightly.jsonl)')
    .option('--verbose', "print the handlers' logs", false)
    .action(async (options: { port?: number; dataDir?: string; config?: string; quiet: boolean; examples: boolean; verbose: boolean }) => {
      if (options.dataDir !== undefined) await requireFolderOrNothing(options.dataDir, '--data-dir');
      const config = await readConfigFile(options.config);
      setExit(
        await localUpCommand({
          config,
          verbose: options.verbose,
          quiet: options.quiet,
          examples: options.examples,
          print,
          ...(options.port !== undefined && { basePort: options.port }),
          ...(options.dataDir !== undefined && { dataDir: resolve(cwd, options.dataDir) }),
          stateDirectory: cwd,
          ...(context.untilSignal && { untilSignal: context.untilSignal }),
        }),
      );
    });
  local
    .command('fire-schedule')
    .description("Send the running local environment's trigger one tick of a schedule in schedules.json, as EventBridge Scheduler does.")
    .argument('<name>', 'the schedule name')
    .option('--time <ISO time>', 'the tick (default: the current minute)')
    .option('--schedules <file.json>', 'the schedules file (default ./schedules.json)')
    .action(async (scheduleName: string, options: { time?: string; schedules?: string }) => {
      if (options.schedules !== undefined) await requireReadableFile(options.schedules, 'schedules file');
      setExit(await fireScheduleCommand({ scheduleName, time: options.time, schedulesFile: options.schedules, print, cwd }));
    });

  const failures = configure(local.command('failures').description("Trigger invocations that failed after Lambda's retries (the local on-failure queue)."), print);
  failures
    .command('list')
    .description('List the failed trigger invocations: id, time, error, event.')
    .option('--json', 'the invocation records as a JSON array', false)
    .action(async (options: { json: boolean }) => setExit(await listFailuresCommand({ cwd, print, json: options.json })));
  failures
    .command('replay')
    .description('Deliver failed invocations to the trigger again; each one that gets its run leaves the queue.')
    .argument('[id]', 'the failure to replay (from `local failures list`)')
    .option('--all', 'every failure in the queue', false)
    .action(async (id: string | undefined, options: { all: boolean }) => setExit(await replayFailuresCommand({ cwd, print, id, all: options.all })));

  program
    .command('start')
    .description('Start one run by hand, as "Start execution" in the console does, on the local environment or (--stage) a deployed stack.')
    .requiredOption('--input <s3://bucket/key>', "the run's inputPath")
    .option('--config <file.json>', 'job settings for the run (the same file run --config takes)')
    .addOption(new Option('--group <name>', 'job group of the run').argParser(parseJobGroup))
    .addOption(new Option('--name <execution name>', 'execution name (1-80 of A-Z a-z 0-9 - _)').argParser(parseExecutionName))
    .option('--stage <stage>', 'the deployed stack personalize-batch-orchestrator-<stage> (your usual AWS credentials)')
    .option('--region <region>', 'region of the stage (with --stage)')
    .option('--wait', 'follow the run to its end: exit 0 if it succeeded, 1 if not', false)
    .action(async (options: { input: string; config?: string; group?: string; name?: string; stage?: string; region?: string; wait: boolean }) => {
      if (options.region !== undefined && options.stage === undefined) throw new UsageError('--region applies to a deployed stack: use it with --stage');
      const config = await readConfigFile(options.config);
      setExit(
        await startCommand({
          inputPath: options.input,
          config,
          configFile: options.config,
          jobGroup: options.group,
          executionName: options.name,
          stage: options.stage,
          region: options.region,
          wait: options.wait,
          print,
          cwd,
          ...(context.sleep && { sleep: context.sleep }),
        }),
      );
    });

  registerRunsCommands(configure(program.command('runs').description('See, follow, stop, re-run and report on runs, locally or (--stage) on a deployed stack.'), print), {
    print,
    cwd,
    now: context.now ?? (() => new Date()),
    setExit,
    ...(context.sleep && { sleep: context.sleep }),
  });
  return program;
}

/** Help on stdout, errors as one line on stderr, and no process.exit: `main` returns the code. */
export function configure(command: Command, print: Print): Command {
  return command
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => print(text.trimEnd()),
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(`personalize-batch: ${text.replace(/^error: /, '').trim()} (see --help)\n`),
    });
}

/** `local up`'s first port; the README's AWS CLI examples use 4566 (Personalize) to 4573. */
export const DEFAULT_BASE_PORT = 4566;

function parsePort(text: string): number {
  const value = Number(text);
  // Eight consecutive ports from the base (see --port); 0 asks for free ones.
  if (!Number.isInteger(value) || value < 0 || value > 65528) throw new InvalidArgumentError(`must be 0 (free ports) or a port number from 1 to 65528, got ${text}`);
  return value;
}

/** A job group names its configuration file and input folder: the schema's rule, checked up front. */
function parseJobGroup(text: string): string {
  if (!JOB_GROUP_NAME_PATTERN.test(text)) throw new InvalidArgumentError('a job group is 1-63 letters, digits, "_" or "-", starting with a letter or digit');
  return text;
}

function parseExecutionName(text: string): string {
  const violation = findExecutionNameViolation(text);
  if (violation) throw new InvalidArgumentError(`${violation.message}; use 1-80 of A-Z a-z 0-9 - _`);
  return text;
}

export { CliError };
