import { createServer } from 'node:net';
import { startLocalEnvironment } from '../local/local-environment';
import type { ConfigFile } from './local-config';
import { startLocalStack } from '../local/cloudformation';
import { assertNoLiveLocalState, localStateOf, removeLocalState, writeLocalState } from './local-state';
import { CliError, EXIT_CODES } from './errors';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { exampleObjects, findExamplesFolder } from './example-data';
import { printRunEvents } from './run-events';

/**
 * `personalize-batch local up`: the stand-ins in real time, until interrupted. Prints one JSON
 * line describing them so scripts and the AWS CLI (`--endpoint-url`) can use them, and keeps the
 * same line in `.personalize-batch/local.json` so `start`, `runs` and `local fire-schedule` find them.
 * Then one line per run event (unless `quiet`). The bucket starts with the package's example job
 * group files and scheduled inputs (`examples/config`, `examples/scheduled`), so the README's
 * examples run as printed; `examples: false` starts it empty. A CloudFormation stand-in serves the environment as
 * the stack of stage `local` (`endpoints.cloudFormation`), so `--stage local` works as on AWS.
 *
 * Refuses to start (exit 3, one line) while another `local up` of the same project lives, or when a
 * fixed port is taken. On the signal, every running execution is stopped and recorded ABORTED
 * before the stand-ins close; with `dataDir` their state is kept for the next start.
 */
export async function localUpCommand(options: {
  /** First of eight consecutive ports (see `LocalEnvironmentOptions.basePort`); 0 or none: free ports. */
  basePort?: number;
  /** Keep buckets, tables and the failure queue here across restarts (`--data-dir`). */
  dataDir?: string;
  config: ConfigFile;
  verbose: boolean;
  /** No run event lines, only the JSON line. */
  quiet?: boolean;
  print: (line: string) => void;
  untilSignal?: () => Promise<void>;
  /** Where the state file goes; the current directory by default. */
  stateDirectory?: string;
  /** false: start with an empty bucket instead of the example job group and scheduled input. */
  examples?: boolean;
}): Promise<number> {
  const stateDirectory = options.stateDirectory ?? process.cwd();
  // Before any port is taken: the running one's file is the better message than a port in use.
  await assertNoLiveLocalState(stateDirectory);
  const basePort = options.basePort ? options.basePort : undefined;
  // s3rver and dynalite throw a busy port as an unhandled 'error' event: try each port first.
  if (basePort !== undefined) for (let offset = 0; offset < PORT_COUNT; offset++) await assertPortFree(basePort + offset);
  const environment = await startLocalEnvironment({
    time: 'realtime',
    ...(basePort !== undefined && { basePort }),
    ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
    ...(options.config.local.jobDurations && { jobDurations: options.config.local.jobDurations }),
    ...(options.config.local.maxConcurrentJobs !== undefined && { maxConcurrentJobs: options.config.local.maxConcurrentJobs }),
    ...(options.config.local.catalog && { catalog: options.config.local.catalog }),
    ...(options.config.local.faults && { faults: options.config.local.faults }),
    retryIntervalMs: 500,
    logLevel: options.verbose ? 'INFO' : 'SILENT',
  }).catch((error: unknown) => {
    throw portInUse(error) ?? error;
  });
  let written: string | undefined;
  let stopPrinting = () => undefined as unknown;
  const stack = await startLocalStack(environment, basePort === undefined ? {} : { port: basePort + 6 }).catch(async (error: unknown) => {
    await environment.close();
    throw portInUse(error) ?? error;
  });
  try {
    const examplesFolder = options.examples === false ? undefined : findExamplesFolder();
    const seeded = examplesFolder ? await exampleObjects(examplesFolder) : [];
    for (const object of seeded) {
      await environment.s3.send(new PutObjectCommand({ Bucket: environment.bucket, Key: object.key, Body: object.body }));
    }
    const base = localStateOf(environment);
    const state = {
      ...base,
      endpoints: { ...base.endpoints, cloudFormation: stack.endpoint },
      examples: seeded.map((object) => object.key),
      ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
    };
    written = await writeLocalState(stateDirectory, state);
    options.print(JSON.stringify(state));
    if (!options.quiet) stopPrinting = printRunEvents(environment, options.print);
    await (options.untilSignal ?? waitForTermination)();
    // As on AWS when an operator stops them: each run is recorded ABORTED by recordClosedExecution.
    await environment.stopRunningExecutions('personalize-batch local up was stopped (Ctrl-C)');
  } finally {
    stopPrinting();
    await stack.close();
    // The file must not outlive the environment: a stale one would send other commands to dead ports.
    if (written !== undefined) await removeLocalState(stateDirectory, written);
    await environment.close();
  }
  return 0;
}

function waitForTermination(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/**
 * A port the stand-ins cannot listen on, as one line naming it and `--port` (exit 3); undefined
 * for any other error.
 */
function portInUse(error: unknown): CliError | undefined {
  const { code, port } = (error ?? {}) as { code?: string; port?: number };
  if (code !== 'EADDRINUSE' && code !== 'EACCES') return undefined;
  const what = code === 'EADDRINUSE' ? 'is in use' : 'is not allowed';
  return new CliError(
    `port ${port ?? '?'} ${what}: stop what holds it, or start on other ports with --port <n> (eight from n) or --port 0 (free ports)`,
    EXIT_CODES.unreachable,
  );
}

/** Personalize, Step Functions, S3, DynamoDB, Lambda, EventBridge, CloudFormation, failure queue. */
const PORT_COUNT = 8;

async function assertPortFree(port: number): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => reject(portInUse(Object.assign(error, { port })) ?? error));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}
