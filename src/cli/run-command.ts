import { mkdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { parseS3Uri } from '../domain/s3-uri';
import { startLocalEnvironment, type LocalEnvironment } from '../local/local-environment';
import { formatDuration, describeHistoryEvent } from './progress';
import { describePublishedEvents, describeVerification } from './run-summary';
import type { ConfigFile } from './local-config';
import { copyCountingLines } from './output-copy';
import { runMetricsSummary } from './run-metrics-summary';

export interface RunCommandOptions {
  inputFile: string;
  config: ConfigFile;
  /** Job group for the run; with job settings in the config file it defaults to `local-run`. */
  jobGroup?: string | undefined;
  outputDirectory: string;
  verbose: boolean;
  print: (line: string) => void;
}

/**
 * Virtual job durations for `run`: AWS's 3-user sample (~23 minutes), so the run shows real polling
 * (the cold schedule's first check at 10 minutes sees `CREATE PENDING`, then several backed-off
 * checks), while the virtual clock makes the whole run take a couple of seconds.
 */
const RUN_JOB_DURATIONS = { pendingMs: 11 * 60_000, inProgressMs: 12 * 60_000 };
const REAL_MS_PER_WAIT = 250;

/**
 * `personalize-batch run <input.jsonl>`: one whole run on this machine, from upload to record.
 * Returns the process exit code: 0 when the run succeeded, 1 when it failed.
 */
export async function runCommand(options: RunCommandOptions): Promise<number> {
  const body = await readFile(options.inputFile).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`Cannot read input file ${options.inputFile}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  const environment = await startLocalEnvironment({
    time: 'virtual',
    realMsPerWait: REAL_MS_PER_WAIT,
    jobDurations: options.config.local.jobDurations ?? RUN_JOB_DURATIONS,
    ...(options.config.local.maxConcurrentJobs !== undefined && { maxConcurrentJobs: options.config.local.maxConcurrentJobs }),
    ...(options.config.local.catalog && { catalog: options.config.local.catalog }),
    ...(options.config.local.faults && { faults: options.config.local.faults }),
    logLevel: options.verbose ? 'INFO' : 'SILENT',
  });
  try {
    return await runOnce(environment, body, options);
  } finally {
    await environment.close();
  }
}

async function runOnce(environment: LocalEnvironment, body: Buffer, options: RunCommandOptions): Promise<number> {
  const { print } = options;
  const startedAt = environment.clock.now();
  const elapsed = () => `+${formatDuration((environment.clock.now() - startedAt) / 1000)}`;
  const unsubscribe = environment.stepFunctions.onHistoryEvent((_executionArn, event) => {
    const line = describeHistoryEvent(event, elapsed());
    if (line) print(line);
  });

  const hasJobSettings = Object.keys(options.config.jobSettings).length > 0;
  const jobGroup = options.jobGroup ?? (hasJobSettings ? 'local-run' : undefined);
  const key = `${environment.inputPrefix}${jobGroup ? `${jobGroup}/` : ''}${basename(options.inputFile)}`;
  print(`Local mode: Personalize, Step Functions, S3 and DynamoDB stand-ins on 127.0.0.1 (virtual time).`);
  if (jobGroup && hasJobSettings) {
    const configKey = `config/${jobGroup}.json`;
    print(`Writing job group "${jobGroup}" configuration to s3://${environment.bucket}/${configKey}`);
    await environment.upload(configKey, JSON.stringify(options.config.jobSettings, null, 2));
  }
  print(`Uploading ${options.inputFile} to s3://${environment.bucket}/${key}`);
  await environment.upload(key, body);
  const [summary] = await environment.triggersSettled();
  const started = summary?.started[0];
  if (!started) {
    const reason = summary?.ignored[0]?.reason ?? (summary?.duplicates[0] ? 'the upload already had a run' : 'no run started');
    print(`✘ The trigger started no run: ${reason}`);
    unsubscribe();
    return 1;
  }
  print(`Trigger started execution ${started.executionName}`);

  const execution = await environment.stepFunctions.waitForExecution(started.executionArn);
  unsubscribe();
  await environment.closedExecutionsSettled();
  const record = await environment.getRunRecord(started.executionName);
  print('');
  print(`Recorded run (table ${environment.runsTable}):`);
  print(JSON.stringify(record ?? null, null, 2));
  print('');
  for (const line of describePublishedEvents(environment.publishedEvents())) print(line);
  for (const line of runMetricsSummary(environment.metrics, started.executionName)) print(line);

  if (execution.status === 'SUCCEEDED' && record?.outputLocation) {
    const localCopy = await downloadOutput(environment, record.outputLocation, options.outputDirectory);
    print('');
    print(`Output: ${record.outputLocation}`);
    for (const line of describeVerification(record)) print(line);
    if (localCopy) {
      print(`Copied to ${localCopy.path} (${localCopy.lines} records). First line:`);
      print(`  ${localCopy.firstLine}`);
    }
    print(`✔ Run ${record.runId} SUCCEEDED`);
    return 0;
  }
  const reason = record?.failureReason ?? execution.cause ?? execution.error ?? 'unknown reason';
  if (record?.records !== undefined) {
    print('');
    print(`Output: ${record.outputPath ?? 'unknown'}`);
    for (const line of describeVerification(record)) print(line);
  }
  print(`✘ Run ${started.executionName} ${record?.status ?? execution.status}: ${reason}`);
  return 1;
}

/** The local S3 disappears when the command ends, so the output is copied next to the user. */
async function downloadOutput(
  environment: LocalEnvironment,
  location: string,
  outputDirectory: string,
): Promise<{ path: string; lines: number; firstLine: string } | undefined> {
  const target = parseS3Uri(location);
  if (!target || target.key.endsWith('/')) return undefined;
  const object = await environment.s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: target.key }));
  const directory = resolve(outputDirectory);
  await mkdir(directory, { recursive: true });
  const path = join(directory, basename(target.key));
  return { path, ...(await copyCountingLines(object.Body as Readable | undefined, path)) };
}
