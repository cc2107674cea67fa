/*
 * One measured scenario of bench/scale-report.mjs, in its own process so that its peak RSS is its own.
 * Bundled by the report with esbuild; prints one JSON object on its last stdout line.
 *
 *   node scale-child.js run <input.jsonl> <work-dir>    upload → trigger → state machine → stand-in job → output, as `personalize-batch run`
 *   node scale-child.js s3-copy <input.jsonl> <work-dir> the same bytes through local S3 only: upload, streamed read, multipart write, download
 */
import { createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startLocalEnvironment } from '../src/local/local-environment';
import { localS3Client, startLocalS3 } from '../src/local/local-s3';
import { readLines } from '../src/local/personalize/line-reader';
import { DEFAULT_OUTPUT_PART_BYTES, OutputUpload } from '../src/local/personalize/output-upload';

/** `personalize-batch run`'s virtual job durations (src/cli/run-command.ts). */
const RUN_JOB_DURATIONS = { pendingMs: 90_000, inProgressMs: 8 * 60_000 };

interface Measurement {
  scenario: string;
  status: string;
  inputLines: number;
  inputBytes: number;
  outputLines: number;
  outputBytes: number;
  /** Seconds from the start of the upload to the output's last byte on local disk. */
  wallSeconds: number;
  phases: Record<string, number>;
  /** getrusage's ru_maxrss for this process, in kilobytes (process.resourceUsage().maxRSS). */
  maxRssKb: number;
}

async function main(): Promise<void> {
  const [scenario, inputFile, workDirectory] = process.argv.slice(2);
  if ((scenario !== 'run' && scenario !== 's3-copy') || !inputFile || !workDirectory) {
    throw new Error('usage: node scale-child.js run|s3-copy <input.jsonl> <work-dir>');
  }
  const body = await readFile(inputFile);
  const inputLines = countNewlines(body);
  const result = scenario === 'run' ? await runThroughEnvironment(body, inputFile, workDirectory) : await copyThroughS3(body, inputFile, workDirectory);
  const measurement: Measurement = {
    scenario,
    inputLines,
    inputBytes: body.length,
    ...result,
    maxRssKb: process.resourceUsage().maxRSS,
  };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}

type Outcome = Pick<Measurement, 'status' | 'outputLines' | 'outputBytes' | 'wallSeconds' | 'phases'>;

/** What `personalize-batch run <file>` does, with the output copied by streaming instead of whole. */
async function runThroughEnvironment(body: Buffer, inputFile: string, workDirectory: string): Promise<Outcome> {
  // realMsPerWait 0: `run` pauses 250 ms per Wait for show; the bench measures the work, not the show.
  const environment = await startLocalEnvironment({ time: 'virtual', realMsPerWait: 0, jobDurations: RUN_JOB_DURATIONS, logLevel: 'SILENT' });
  try {
    const phases: Record<string, number> = {};
    const started = performance.now();
    let mark = started;
    const lap = (name: string) => {
      const now = performance.now();
      phases[name] = (now - mark) / 1000;
      mark = now;
    };
    await environment.upload(`${environment.inputPrefix}${basename(inputFile)}`, body);
    lap('upload');
    const [summary] = await environment.triggersSettled();
    const run = summary?.started[0];
    if (!run) throw new Error(`The trigger started no run: ${JSON.stringify(summary)}`);
    const execution = await environment.stepFunctions.waitForExecution(run.executionArn);
    lap('run');
    const record = await environment.getRunRecord(run.executionName);
    if (execution.status !== 'SUCCEEDED' || !record?.outputLocation) {
      return { status: `${execution.status}: ${record?.failureReason ?? execution.cause ?? ''}`, outputLines: 0, outputBytes: 0, wallSeconds: (performance.now() - started) / 1000, phases };
    }
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(record.outputLocation);
    if (!match) throw new Error(`Unexpected output location ${record.outputLocation}`);
    const copied = await download(environment.s3, match[1]!, match[2]!, join(workDirectory, `${basename(inputFile)}.out`));
    lap('copy');
    return { status: execution.status, ...copied, wallSeconds: (performance.now() - started) / 1000, phases };
  } finally {
    await environment.close();
  }
}

/** The I/O floor: the same file into local S3, read back line by line, written as multipart, downloaded. */
async function copyThroughS3(body: Buffer, inputFile: string, workDirectory: string): Promise<Outcome> {
  const s3 = await startLocalS3();
  const client = localS3Client(s3.endpoint);
  try {
    await client.send(new CreateBucketCommand({ Bucket: 'bench' }));
    const phases: Record<string, number> = {};
    const started = performance.now();
    let mark = started;
    const lap = (name: string) => {
      const now = performance.now();
      phases[name] = (now - mark) / 1000;
      mark = now;
    };
    const key = `input/${basename(inputFile)}`;
    await client.send(new PutObjectCommand({ Bucket: 'bench', Key: key, Body: body }));
    lap('upload');
    const response = await client.send(new GetObjectCommand({ Bucket: 'bench', Key: key }));
    const upload = await OutputUpload.start(client, { bucket: 'bench', key: `${key}.out`, partSizeBytes: DEFAULT_OUTPUT_PART_BYTES });
    for await (const line of readLines(response.Body as Readable)) {
      if (line !== '') await upload.write(`${line}\n`);
    }
    await upload.finish();
    await upload.complete();
    lap('run');
    const copied = await download(client, 'bench', `${key}.out`, join(workDirectory, `${basename(inputFile)}.copy.out`));
    lap('copy');
    return { status: 'SUCCEEDED', ...copied, wallSeconds: (performance.now() - started) / 1000, phases };
  } finally {
    client.destroy();
    await s3.close();
  }
}

/** Streams an object to a local file, counting its lines on the way: memory stays one chunk. */
async function download(s3: S3Client, bucket: string, key: string, path: string): Promise<{ outputLines: number; outputBytes: number }> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  let outputLines = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      outputLines += countNewlines(chunk);
      callback(null, chunk);
    },
  });
  await pipeline(response.Body as Readable, counter, createWriteStream(path));
  return { outputLines, outputBytes: (await stat(path)).size };
}

function countNewlines(buffer: Buffer): number {
  let count = 0;
  for (let index = buffer.indexOf(0x0a); index !== -1; index = buffer.indexOf(0x0a, index + 1)) count += 1;
  return count;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
