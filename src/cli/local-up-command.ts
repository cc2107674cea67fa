import { startLocalEnvironment } from '../local/local-environment';
import type { ConfigFile } from './local-config';

/**
 * `personalize-batch local up`: the stand-ins in real time, until interrupted. Prints one JSON
 * line describing them so scripts and the AWS CLI (`--endpoint-url`) can use them.
 */
export async function localUpCommand(options: {
  basePort?: number;
  config: ConfigFile;
  verbose: boolean;
  print: (line: string) => void;
  untilSignal?: () => Promise<void>;
}): Promise<number> {
  const environment = await startLocalEnvironment({
    time: 'realtime',
    ...(options.basePort !== undefined && { basePort: options.basePort }),
    ...(options.config.local.jobDurations && { jobDurations: options.config.local.jobDurations }),
    ...(options.config.local.maxConcurrentJobs !== undefined && { maxConcurrentJobs: options.config.local.maxConcurrentJobs }),
    ...(options.config.local.catalog && { catalog: options.config.local.catalog }),
    retryIntervalMs: 500,
    logLevel: options.verbose ? 'INFO' : 'SILENT',
  });
  const catalog = environment.personalize.catalog;
  options.print(
    JSON.stringify({
      region: environment.region,
      endpoints: environment.endpoints,
      bucket: environment.bucket,
      inputPrefix: environment.inputPrefix,
      outputPrefix: environment.outputPrefix,
      runsTable: environment.runsTable,
      stateMachineArn: environment.stateMachineArn,
      solutionVersionArn: catalog.solutionVersions[0]?.arn,
      solutionVersionArns: catalog.solutionVersions.map((version) => version.arn),
      filterArn: catalog.filters[0]?.arn,
      personalizeRoleArn: environment.personalizeRoleArn,
    }),
  );
  await (options.untilSignal ?? waitForTermination)();
  await environment.close();
  return 0;
}

function waitForTermination(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
