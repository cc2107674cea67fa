import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { main } from '../../src/cli/main';
import { localUpCommand } from '../../src/cli/local-up-command';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';
import { localS3Client } from '../../src/local/local-s3';

const ROOT = resolve(__dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/users.jsonl');

describe('personalize-batch run', () => {
  let workDirectory: string;

  beforeEach(async () => {
    workDirectory = await mkdtemp(join(tmpdir(), 'pbo-cli-'));
  });

  afterEach(async () => {
    await rm(workDirectory, { recursive: true, force: true });
  });

  it('runs the example from upload to a recorded SUCCEEDED run and copies the output', async () => {
    // Prepare
    const lines: string[] = [];

    // Act
    const exitCode = await main(['run', EXAMPLE, '--out-dir', workDirectory], (line) => lines.push(line));

    // Assess
    const text = lines.join('\n');
    expect(exitCode).toBe(0);
    expect(text).toMatch(/→ Start job/);
    expect(text).toMatch(/poll 1: CREATE PENDING/);
    expect(text).toMatch(/poll \d+: ACTIVE/);
    expect(text).toMatch(/"status": "SUCCEEDED"/);
    expect(text).toMatch(/✔ Run upload-users-jsonl-[0-9a-f]{16} SUCCEEDED/);
    const output = await readFile(join(workDirectory, 'users.jsonl.out'), 'utf8');
    const records = output.trim().split('\n').map((line) => JSON.parse(line));
    const inputLines = (await readFile(EXAMPLE, 'utf8')).trim().split('\n');
    expect(records).toHaveLength(inputLines.length);
    expect(records[0]).toMatchObject({ input: JSON.parse(inputLines[0] ?? '{}'), error: null });
  });

  it('runs the README\'s segment example (examples/items.jsonl with examples/segment-config.json) to users per item', async () => {
    // Prepare
    const lines: string[] = [];

    // Act
    const exitCode = await main(
      ['run', join(ROOT, 'examples/items.jsonl'), '--config', join(ROOT, 'examples/segment-config.json'), '--out-dir', workDirectory],
      (line) => lines.push(line),
    );

    // Assess
    expect(exitCode).toBe(0);
    expect(lines.join('\n')).toMatch(/"jobType": "BATCH_SEGMENT"/);
    expect(lines.join('\n')).toMatch(/Batch Segment Run Succeeded/);
    const output = (await readFile(join(workDirectory, 'items.jsonl.out'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(output.map((line: { output: { recommendedUsers: string[] } }) => line.output.recommendedUsers.length)).toEqual([5, 5, 5]);
  });

  it('exits 1 with the reason when the run fails', async () => {
    const badInput = join(workDirectory, 'not-json.jsonl');
    await writeFile(badInput, 'userId\nuser-001\n');
    const lines: string[] = [];

    const exitCode = await main(['run', badInput, '--out-dir', workDirectory], (line) => lines.push(line));

    expect(exitCode).toBe(1);
    expect(lines.at(-1)).toMatch(/^✘ Run upload-not-json-jsonl-[0-9a-f]{16} FAILED: .*JSON/);
  });

  it('applies the job settings in --config to the run as its job group configuration', async () => {
    const config = join(workDirectory, 'config.json');
    await writeFile(config, JSON.stringify({ numResults: 4, local: { jobDurations: { pendingMs: 1000, inProgressMs: 1000 } } }));
    const lines: string[] = [];

    const exitCode = await main(['run', EXAMPLE, '--config', config, '--group', 'weekly', '--out-dir', workDirectory], (line) => lines.push(line));

    expect(exitCode).toBe(0);
    expect(lines.join('\n')).toContain('Writing job group "weekly" configuration to s3://personalize-batch-orchestrator-local-data/config/weekly.json');
    const records = (await readFile(join(workDirectory, 'users.jsonl.out'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(records.map((record) => record.output.recommendedItems.length)).toEqual(records.map(() => 4));
  });

  it('fails the run, exit 1, when the job settings in --config are invalid', async () => {
    const config = join(workDirectory, 'config.json');
    await writeFile(config, JSON.stringify({ numResults: 'ten' }));
    const lines: string[] = [];

    const exitCode = await main(['run', EXAMPLE, '--config', config, '--out-dir', workDirectory], (line) => lines.push(line));

    expect(exitCode).toBe(1);
    expect(lines.at(-1)).toMatch(/FAILED: Invalid run input: s3:\/\/.*\/config\/local-run\.json: numResults: must be a number, got the string "ten"$/);
  });

  it('exits 2 naming the file when the input file does not exist', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const exitCode = await main(['run', join(workDirectory, 'missing.jsonl')], () => undefined);
      expect(exitCode).toBe(2);
      expect(stderr.mock.calls.map(([chunk]) => String(chunk)).join('')).toContain('missing.jsonl: no such file');
    } finally {
      stderr.mockRestore();
    }
  });

  it('exits 2 with usage for an unknown command', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['frobnicate'], () => undefined)).toBe(2);
      expect(stderr.mock.calls.map(([chunk]) => String(chunk)).join('')).toContain("unknown command 'frobnicate'");
    } finally {
      stderr.mockRestore();
    }
  });

  it('rejects a config file whose local section has wrong or unknown settings, naming them', async () => {
    const config = join(workDirectory, 'config.json');
    await writeFile(config, JSON.stringify({ numResults: 5, local: { jobDurations: { pendingMs: 'soon', inProgressMs: 1 }, colour: 'blue' } }));
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['run', EXAMPLE, '--config', config], () => undefined)).toBe(2);
      const message = stderr.mock.calls.map(([chunk]) => String(chunk)).join('');
      expect(message).toContain('local.jobDurations.pendingMs');
      expect(message).toContain('local: Unrecognized key: "colour"');
    } finally {
      stderr.mockRestore();
    }
  });
});

describe('the built personalize-batch binary', () => {
  it('runs the example as `npm start` does', async () => {
    const workDirectory = await mkdtemp(join(tmpdir(), 'pbo-bin-'));
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'bin/personalize-batch.js'), 'run', EXAMPLE, '--out-dir', workDirectory], {
        cwd: ROOT,
        timeout: 60_000,
      });
      expect(stdout).toMatch(/✔ Run upload-users-jsonl-[0-9a-f]{16} SUCCEEDED/);
    } finally {
      await rm(workDirectory, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('personalize-batch local up', () => {
  it('prints its endpoints and runs an upload made with plain SDK clients to a recorded result', async () => {
    // Prepare
    let stop!: () => void;
    const stopped = new Promise<void>((resolveStop) => (stop = resolveStop));
    const lines: string[] = [];
    const command = localUpCommand({
      config: { local: { jobDurations: { pendingMs: 100, inProgressMs: 100 } }, jobSettings: {} },
      verbose: false,
      print: (line) => lines.push(line),
      untilSignal: () => stopped,
    });
    while (lines.length === 0) await new Promise((tick) => setTimeout(tick, 10));
    const info = JSON.parse(lines[0] ?? '{}');
    const s3 = localS3Client(info.endpoints.s3);
    const sfn = new SFNClient({ endpoint: info.endpoints.stepFunctions, region: info.region, credentials: LOCAL_CREDENTIALS });
    const documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: info.endpoints.dynamodb, region: info.region, credentials: LOCAL_CREDENTIALS }),
    );

    try {
      // Act
      await s3.send(new PutObjectCommand({ Bucket: info.bucket, Key: `${info.inputPrefix}users.jsonl`, Body: '{"userId":"user-001"}\n' }));
      let runId: string | undefined;
      let record: Record<string, unknown> | undefined;
      const finished = (status: unknown) => status === 'SUCCEEDED' || status === 'FAILED' || status === 'TIMED_OUT';
      for (let attempt = 0; attempt < 200 && !finished(record?.status); attempt++) {
        await new Promise((tick) => setTimeout(tick, 50));
        const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: info.stateMachineArn }));
        runId = executions?.[0]?.name;
        if (runId) record = (await documents.send(new GetCommand({ TableName: info.runsTable, Key: { runId } }))).Item;
      }

      // Assess
      expect(info).toMatchObject({
        bucket: expect.any(String),
        stateMachineArn: expect.stringMatching(/^arn:aws:states:us-east-1:123456789012:stateMachine:/),
        solutionVersionArn: expect.stringMatching(/^arn:aws:personalize:/),
        filterArn: expect.stringMatching(/^arn:aws:personalize:.*:filter\//),
        personalizeRoleArn: expect.stringMatching(/^arn:aws:iam::123456789012:role\//),
      });
      // Other tools find a solution version for each recipe and job type in the line.
      expect(info.solutionVersions).toContainEqual({
        solutionVersionArn: 'arn:aws:personalize:us-east-1:123456789012:solution/local-item-affinity/3a4b5c6d',
        solutionArn: 'arn:aws:personalize:us-east-1:123456789012:solution/local-item-affinity',
        recipe: 'aws-item-affinity',
        recipeArn: 'arn:aws:personalize:::recipe/aws-item-affinity',
        jobType: 'BATCH_SEGMENT',
      });
      expect([...new Set(info.solutionVersions.map((version: { recipe: string }) => version.recipe))]).toEqual([
        'aws-user-personalization',
        'aws-similar-items',
        'aws-personalized-ranking',
        'aws-item-affinity',
        'aws-item-attribute-affinity',
      ]);
      // And each solution once, with its versions' status, for runs that name a solutionArn.
      expect(info.solutions.map((solution: { solutionArn: string }) => solution.solutionArn)).toContain(
        'arn:aws:personalize:us-east-1:123456789012:solution/local-item-affinity',
      );
      expect(record).toMatchObject({ runId, status: 'SUCCEEDED' });
    } finally {
      s3.destroy();
      sfn.destroy();
      documents.destroy();
      stop();
      await command;
    }
  }, 30_000);
});
