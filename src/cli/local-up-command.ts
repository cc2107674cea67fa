import { startLocalEnvironment } from '../local/local-environment';
import type { ConfigFile } from './local-config';
import { localStateOf, removeLocalState, writeLocalState } from './local-state';

/**
 * `personalize-batch local up`: the stand-ins in real time, until interrupted. Prints one JSON
 * line describing them so scripts and the AWS CLI (`--endpoint-url`) can use them, and keeps the
 * same line in `.personalize-batch/local.json` so `start` and `local fire-schedule` find them.
 */
export async function localUpCommand(options: {
  basePort?: number;
  config: ConfigFile;
  verbose: boolean;
  print: (line: string) => void;
  untilSignal?: () => Promise<void>;
  /** Where the state file goes; the current directory by default. */
  stateDirectory?: string;
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
  try {
    const state = localStateOf(environment);
    written = await writeLocalState(stateDirectory, state);
    options.print(JSON.stringify(state));
    await (options.untilSignal ?? waitForTermination)();
  } finally {
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
