import '../local/polyfills';
import { parseArgs } from 'node:util';
import { fireScheduleCommand } from './fire-schedule-command';
import { readConfigFile, type ConfigFile } from './local-config';
import { localUpCommand } from './local-up-command';
import { runCommand } from './run-command';
import { startCommand } from './start-command';

const USAGE = `Usage:
  personalize-batch run <input.jsonl> [--config <file.json>] [--group <name>] [--out-dir <dir>] [--verbose]
      Runs one batch inference run locally, from upload to recorded result. --config holds the job
      group's settings (as config/<group>.json in the bucket) and an optional "local" section.
  personalize-batch local up [--port <n>] [--config <file.json>] [--verbose]
      Starts the local stand-ins and keeps them running; prints their endpoints as one JSON line.
      With --port n: Personalize on n, Step Functions on n+1, S3 on n+2, DynamoDB on n+3, Lambda on n+4.
      The same line goes to .personalize-batch/local.json, where the commands below find it.
  personalize-batch start --input <s3://bucket/key> [--config <file.json>] [--group <name>] [--name <execution name>]
                          [--stage <stage> [--region <region>]] [--wait]
      Starts one run by hand, as "Start execution" in the console does, with the config file's job
      settings, --input and --group as its input, checked before anything starts. Without --stage it
      starts on the running local environment; with --stage, on the deployed stack
      personalize-batch-orchestrator-<stage> (AWS credentials and region as the AWS CLI finds them).
      --wait follows the execution to its end: exit 0 when it succeeded, 1 when it did not.
  personalize-batch local fire-schedule <name> [--time <ISO time>] [--schedules <file.json>]
      Sends the running local environment's trigger one tick of a schedule in schedules.json, with the
      payload EventBridge Scheduler sends (default time: the current minute). The same tick fired
      twice starts one run. Disabled schedules can be fired too.
`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** What a test pins down; a user gets the defaults. */
export interface MainContext {
  /** Where the local state file and schedules.json are looked for, and `local up` writes its state. */
  cwd?: string;
}

type Values = ReturnType<typeof parseArguments>['values'];

/** Runs the CLI and returns its exit code: 0 success, 1 failed run, 2 usage or setup error. */
export async function main(
  argv: string[],
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  context: MainContext = {},
): Promise<number> {
  try {
    const { values, positionals } = parseArguments(argv);
    const [command, ...rest] = positionals;
    if (values.help || !command) {
      print(USAGE);
      return values.help ? 0 : 2;
    }
    const config = await readConfigFile(values.config);
    if (command === 'run') {
      const [inputFile] = rest;
      if (!inputFile || rest.length > 1) throw new UsageError('run takes exactly one input file');
      return await runCommand({
        inputFile,
        config,
        outputDirectory: values['out-dir'] ?? 'local-output',
        jobGroup: values.group,
        verbose: values.verbose ?? false,
        print,
      });
    }
    if (command === 'local' && rest[0] === 'up' && rest.length === 1) {
      return await localUpCommand({
        config,
        verbose: values.verbose ?? false,
        print,
        ...parsePort(values.port),
        ...(context.cwd !== undefined && { stateDirectory: context.cwd }),
      });
    }
    if (command === 'start' && rest.length === 0) return await start(values, config, print, context);
    if (command === 'local' && rest[0] === 'fire-schedule') return await fireSchedule(rest, values, print, context);
    throw new UsageError(`Unknown command: ${[command, ...rest].join(' ')}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`personalize-batch: ${message}\n`);
    if (error instanceof UsageError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(USAGE);
    }
    return 2;
  }
}

function parseArguments(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      'out-dir': { type: 'string' },
      group: { type: 'string' },
      input: { type: 'string' },
      name: { type: 'string' },
      stage: { type: 'string' },
      region: { type: 'string' },
      wait: { type: 'boolean', default: false },
      time: { type: 'string' },
      schedules: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

async function start(values: Values, config: ConfigFile, print: (line: string) => void, context: MainContext): Promise<number> {
  if (!values.input) throw new UsageError('start needs --input <s3://bucket/key>');
  if (values.region !== undefined && values.stage === undefined) throw new UsageError('--region applies to a deployed stack: use it with --stage');
  if (values.stage === '') throw new UsageError('--stage needs a stage name');
  return startCommand({
    inputPath: values.input,
    config,
    configFile: values.config,
    jobGroup: values.group,
    executionName: values.name,
    stage: values.stage,
    region: values.region,
    wait: values.wait ?? false,
    print,
    ...(context.cwd !== undefined && { cwd: context.cwd }),
  });
}

async function fireSchedule(rest: string[], values: Values, print: (line: string) => void, context: MainContext): Promise<number> {
  const [, scheduleName, ...extra] = rest;
  if (!scheduleName || extra.length > 0) throw new UsageError('local fire-schedule takes exactly one schedule name');
  return fireScheduleCommand({
    scheduleName,
    time: values.time,
    schedulesFile: values.schedules,
    print,
    ...(context.cwd !== undefined && { cwd: context.cwd }),
  });
}

function parsePort(port: string | undefined): { basePort?: number } {
  if (port === undefined) return {};
  const value = Number(port);
  // Five consecutive ports from the base: Personalize, Step Functions, S3, DynamoDB, Lambda.
  if (!Number.isInteger(value) || value < 1 || value > 65531) throw new UsageError(`--port must be a port number, got ${port}`);
  return { basePort: value };
}
