import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { ListBatchInferenceJobsCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';
import { localS3Client } from '../../src/local/local-s3';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'bin/personalize-batch.js');
const ENV = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

interface LocalUp {
  process: ChildProcessWithoutNullStreams;
  state: { pid: number; region: string; bucket: string; runsTable: string; stateMachineArn: string; endpoints: Record<string, string> };
}

function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: ENV, timeout: 30_000 }, (error, stdout, stderr) => {
      resolveRun({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

async function localUp(cwd: string, args: string[]): Promise<LocalUp> {
  const child = spawn(process.execPath, [CLI, 'local', 'up', '--port', '0', '--quiet', '--no-examples', ...args], { cwd, env: ENV });
  const first = await new Promise<string>((resolveLine, reject) => {
    createInterface({ input: child.stdout }).once('line', resolveLine);
    child.once('exit', (code) => reject(new Error(`local up exited with ${code}`)));
  });
  return { process: child, state: JSON.parse(first) as LocalUp['state'] };
}

function interrupt(up: LocalUp): Promise<number | null> {
  if (up.process.exitCode !== null) return Promise.resolve(up.process.exitCode);
  const exited = new Promise<number | null>((resolveExit) => up.process.once('exit', resolveExit));
  up.process.kill('SIGINT');
  return exited;
}

async function eventually<T>(look: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const value = await look();
    if (value !== undefined) return value;
    await new Promise((tick) => setTimeout(tick, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function recordStatus(up: LocalUp, runId: string): Promise<string | undefined> {
  const dynamodb = new DynamoDBClient({ endpoint: up.state.endpoints.dynamodb, region: up.state.region, credentials: LOCAL_CREDENTIALS });
  try {
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: up.state.runsTable, Key: { runId: { S: runId } } }));
    return Item?.status?.S;
  } finally {
    dynamodb.destroy();
  }
}

async function upload(up: LocalUp, key: string): Promise<void> {
  const s3 = localS3Client(up.state.endpoints.s3 as string);
  await s3.send(new PutObjectCommand({ Bucket: up.state.bucket, Key: key, Body: '{"userId":"user-001"}\n' }));
  s3.destroy();
}

describe('operating `local up` from the built CLI', () => {
  let project: string;

  beforeEach(async () => {
    // A project of the user's own: package.json marks its root, commands run from a subfolder.
    project = await mkdtemp(join(tmpdir(), 'pbo-local-ops-'));
    await writeFile(join(project, 'package.json'), '{"name":"my-project"}\n');
    await mkdir(join(project, 'src', 'deep'), { recursive: true });
  });

  afterEach(async () => {
    await rm(project, { recursive: true, force: true });
  });

  it('queues a trigger invocation that failed after the retries, lists and replays it once, from any folder; a second local up is refused', async () => {
    // Prepare: the trigger's three attempts run and then crash, so the run starts but the invocation fails.
    const config = { local: { jobDurations: { pendingMs: 100, inProgressMs: 200 }, faults: { lambda: [{ function: 'trigger', fault: 'crashAfterSideEffect', calls: [1, 2, 3] }] } } };
    await writeFile(join(project, 'faults.json'), JSON.stringify(config));
    const up = await localUp(project, ['--config', 'faults.json']);
    const subfolder = join(project, 'src', 'deep');
    try {
      // Act
      await upload(up, 'input/users.jsonl');
      // Waiting on the queue's endpoint directly: one CLI process per look would be slow.
      await eventually(async () => {
        const { failures } = (await (await fetch(`${up.state.endpoints.failures}/failures`)).json()) as { failures: unknown[] };
        return failures.length > 0 ? true : undefined;
      }, 'the failure');
      const listed = JSON.parse((await cli(['local', 'failures', 'list', '--json'], subfolder)).stdout) as Array<{ id: string }>;
      const second = await cli(['local', 'up', '--port', '0'], subfolder);
      const replayed = await cli(['local', 'failures', 'replay', '--all'], subfolder);
      const after = await cli(['local', 'failures', 'list'], subfolder);
      const sfn = new SFNClient({ endpoint: up.state.endpoints.stepFunctions, region: up.state.region, credentials: LOCAL_CREDENTIALS });
      const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: up.state.stateMachineArn }));
      sfn.destroy();

      // Assess
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 }, responsePayload: { errorType: 'Lambda.Unknown' } });
      expect(second.code).toBe(3);
      expect(second.stderr.trim().split('\n')).toEqual([expect.stringContaining(`already running for this project (pid ${up.state.pid}, Personalize ${up.state.endpoints.personalize}`)]);
      expect(replayed).toMatchObject({ code: 0 });
      expect(replayed.stdout).toMatch(/= Duplicate: this tick already has its run|Duplicate/);
      expect(after.stdout.trim()).toBe('No failed trigger invocations.');
      expect(executions).toHaveLength(1);
    } finally {
      expect(await interrupt(up)).toBe(0);
    }
  }, 60_000);

  it('names the port in use and --port in one line, exit 3', async () => {
    // Prepare: hold all eight ports from a base the way other programs would (holding one alone left
    // the test at the mercy of other tests' ephemeral ports on the ports around it).
    const holders = await holdConsecutivePorts(8);
    const base = holders.port;
    try {
      // Act
      const result = await cli(['local', 'up', '--port', String(base), '--quiet'], project);

      // Assess
      expect(result.code).toBe(3);
      const named = Number(/^personalize-batch: port (\d+) is in use/.exec(result.stderr)?.[1]);
      expect(named).toBeGreaterThanOrEqual(base);
      expect(named).toBeLessThan(base + 8);
      expect(result.stderr).toBe(`personalize-batch: port ${named} is in use: stop what holds it, or start on other ports with --port <n> (eight from n) or --port 0 (free ports)\n`);
    } finally {
      holders.close();
    }
  }, 30_000);

  it('Ctrl-C aborts the running run and records it ABORTED; --data-dir keeps the tables and buckets for the next start', async () => {
    // Prepare
    await writeFile(join(project, 'slow.json'), JSON.stringify({ local: { jobDurations: { pendingMs: 60_000, inProgressMs: 60_000 } } }));
    const first = await localUp(project, ['--config', 'slow.json', '--data-dir', 'data']);
    await upload(first, 'input/users.jsonl');
    const runId = await eventually(async () => {
      const sfn = new SFNClient({ endpoint: first.state.endpoints.stepFunctions, region: first.state.region, credentials: LOCAL_CREDENTIALS });
      const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: first.state.stateMachineArn }));
      sfn.destroy();
      return executions?.[0]?.name;
    }, 'the run to start');
    await eventually(async () => {
      const personalize = new PersonalizeClient({ endpoint: first.state.endpoints.personalize, region: first.state.region, credentials: LOCAL_CREDENTIALS });
      const { batchInferenceJobs } = await personalize.send(new ListBatchInferenceJobsCommand({}));
      personalize.destroy();
      return batchInferenceJobs?.length ? true : undefined;
    }, 'the job to be created');

    // Act
    const stoppedAt = Date.now();
    const exitCode = await interrupt(first);
    const stopMs = Date.now() - stoppedAt;
    const second = await localUp(project, ['--data-dir', 'data']);
    try {
      // Assess
      expect(exitCode).toBe(0);
      expect(stopMs).toBeLessThan(5_000);
      expect(await recordStatus(second, runId)).toBe('ABORTED');
      const sfn = new SFNClient({ endpoint: second.state.endpoints.stepFunctions, region: second.state.region, credentials: LOCAL_CREDENTIALS });
      const personalize = new PersonalizeClient({ endpoint: second.state.endpoints.personalize, region: second.state.region, credentials: LOCAL_CREDENTIALS });
      const execution = await sfn.send(new DescribeExecutionCommand({ executionArn: `${second.state.stateMachineArn.replace(':stateMachine:', ':execution:')}:${runId}` }));
      const { batchInferenceJobs } = await personalize.send(new ListBatchInferenceJobsCommand({}));
      sfn.destroy();
      personalize.destroy();
      expect(execution).toMatchObject({ status: 'ABORTED', error: 'local.Shutdown', name: runId });
      expect(batchInferenceJobs?.map((job) => job.jobName)).toEqual([expect.stringContaining(runId)]);
    } finally {
      await interrupt(second);
    }
  }, 60_000);
});

/** Listens on `count` consecutive free ports (retrying from another base when one is taken). */
async function holdConsecutivePorts(count: number): Promise<{ port: number; close: () => void }> {
  const listen = (port: number) =>
    new Promise<Server | undefined>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(undefined));
      server.listen(port, '127.0.0.1', () => resolve(server));
    });
  for (let attempt = 0; attempt < 20; attempt++) {
    const first = await listen(0);
    if (!first) continue;
    const base = (first.address() as { port: number }).port;
    const servers = [first];
    for (let offset = 1; offset < count; offset++) {
      const next = await listen(base + offset);
      if (!next) break;
      servers.push(next);
    }
    if (servers.length === count) return { port: base, close: () => servers.forEach((server) => server.close()) };
    servers.forEach((server) => server.close());
  }
  throw new Error(`no ${count} consecutive free ports`);
}
