import { startLocalEnvironment } from '../local/local-environment';
import type { ConfigFile } from './local-config';
import { startLocalStack } from '../local/cloudformation';
import { localStateOf, removeLocalState, writeLocalState } from './local-state';
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
 */
export async function localUpCommand(options: {
  basePort?: number;
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
  const environment = await startLocalEnvironment({
    time: 'realtime',
    ...(options.basePort !== undefined && { basePort: options.basePort }),
    ...(options.config.local.jobDurations && { jobDurations: options.config.local.jobDurations }),
    ...(options.config.local.maxConcurrentJobs !== undefined && { maxConcurrentJobs: options.config.local.maxConcurrentJobs }),
    ...(options.config.local.catalog && { catalog: options.config.local.catalog }),
    ...(options.config.local.faults && { faults: options.config.local.faults }),
    retryIntervalMs: 500,
    logLevel: options.verbose ? 'INFO' : 'SILENT',
  });
  const stateDirectory = options.stateDirectory ?? process.cwd();
  let written: string | undefined;
  let stopPrinting = () => undefined as unknown;
  const stack = await startLocalStack(environment).catch(async (error: unknown) => {
    await environment.close();
    throw error;
  });
  try {
    const examplesFolder = options.examples === false ? undefined : findExamplesFolder();
    const seeded = examplesFolder ? await exampleObjects(examplesFolder) : [];
    for (const object of seeded) {
      await environment.s3.send(new PutObjectCommand({ Bucket: environment.bucket, Key: object.key, Body: object.body }));
    }
    const base = localStateOf(environment);
    const state = { ...base, endpoints: { ...base.endpoints, cloudFormation: stack.endpoint }, examples: seeded.map((object) => object.key) };
    written = await writeLocalState(stateDirectory, state);
    options.print(JSON.stringify(state));
    if (!options.quiet) stopPrinting = printRunEvents(environment, options.print);
    await (options.untilSignal ?? waitForTermination)();
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
