import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startLocalStack, type CloudFormationStandIn } from '../../src/local/cloudformation';
import { startLocalEnvironment, type LocalEnvironment } from '../../src/local/local-environment';
import { main } from '../../src/cli/main';
import { withStderr } from '../support/capture-stderr';
import { MISTAKE_CASES } from './mistakes.cases';

const BIN = resolve(__dirname, '../../bin/personalize-batch.js');
const exec = promisify(execFile);

/** Runs the built CLI as a user would; never throws, returns the exit code and both streams. */
async function personalizeBatch(argv: string[], options: { cwd: string; env?: Record<string, string> }) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...argv], { cwd: options.cwd, env: { ...cleanEnv(), ...options.env }, timeout: 60_000 });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** No AWS settings from the machine running the tests leak into the CLI. */
function cleanEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => !entry[0].startsWith('AWS_') && entry[1] !== undefined),
  );
}

describe('the built CLI: every mistake is one line and a documented exit code', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pbo-mistakes-'));
    await writeFile(join(dir, 'file.txt'), 'not json');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // In process (spawning the CLI costs seconds each); the spawned tests below cover the same path end to end.
  it.each(MISTAKE_CASES)('$name → exit $exitCode', async ({ argv, exitCode, message }) => {
    const stdout: string[] = [];
    const result = await withStderr(() => main(argv.map((arg) => arg.replaceAll('{dir}', dir)), (line) => stdout.push(line), { cwd: dir }));

    expect(result.exitCode).toBe(exitCode);
    expect(stdout).toEqual([]);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^personalize-batch: /);
    expect(lines[0]).toContain(message.replaceAll('{dir}', dir));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a mistake in the built CLI is the same one line', async () => {
    const result = await personalizeBatch(['run', dir], { cwd: dir });

    expect(result).toMatchObject({ exitCode: 2, stdout: '', stderr: `personalize-batch: input file ${dir} is a folder; give a file\n` });
  });

  it('--version prints the package version; help <command> prints that command’s help', async () => {
    const version = await personalizeBatch(['--version'], { cwd: dir });
    const help = await personalizeBatch(['help', 'runs'], { cwd: dir });
    const listHelp = await personalizeBatch(['runs', 'list', '--help'], { cwd: dir });

    expect(version).toMatchObject({ exitCode: 0, stdout: '0.1.0\n' });
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage: personalize-batch runs [options] [command]');
    expect(listHelp.stdout).toContain('Usage: personalize-batch runs list [options]');
    expect(listHelp.stdout).toContain('--since <when>');
  });
});

describe('--stage, against the local stand-ins posing as a deployed stack (CloudFormation outputs included)', () => {
  let environment: LocalEnvironment;
  let stack: CloudFormationStandIn;
  let cwd: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    environment = await startLocalEnvironment({ time: 'virtual', jobDurations: { pendingMs: 1_000, inProgressMs: 1_000 } });
    stack = await startLocalStack(environment);
    cwd = await mkdtemp(join(tmpdir(), 'pbo-stage-'));
    await mkdir(join(cwd, 'home'));
    // What a user's shell would hold, pointed at the stand-ins by the SDK's service-specific endpoint variables.
    env = {
      HOME: join(cwd, 'home'),
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_REGION: environment.region,
      AWS_ENDPOINT_URL_CLOUDFORMATION: stack.endpoint,
      AWS_ENDPOINT_URL_SFN: environment.endpoints.stepFunctions,
      AWS_ENDPOINT_URL_DYNAMODB: environment.endpoints.dynamodb,
    };
    await environment.upload('input/users/users.jsonl', '{"userId":"user-001"}\n');
    await environment.triggersSettled();
    await environment.stepFunctions.idle();
  });

  afterAll(async () => {
    await stack.close();
    await environment.close();
    await rm(cwd, { recursive: true, force: true });
  });

  it('lists and shows the stage’s runs, found through the stack outputs', async () => {
    const list = await personalizeBatch(['runs', 'list', '--stage', 'local', '--json'], { cwd, env });
    const runs = JSON.parse(list.stdout) as Array<{ runId: string; status: string }>;
    const show = await personalizeBatch(['runs', 'show', runs[0]?.runId ?? '', '--stage', 'local'], { cwd, env });

    expect(list.exitCode).toBe(0);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.status).toMatch(/SUCCEEDED|FAILED/);
    expect(show.exitCode).toBe(0);
    expect(show.stdout).toContain(`Run ${runs[0]?.runId}`);
    expect(show.stdout).toContain('execution started');
  });

  it('starts, follows and re-runs on the stage', async () => {
    const started = await personalizeBatch(['start', '--stage', 'local', '--input', `s3://${environment.bucket}/input/users/users.jsonl`, '--group', 'users', '--name', 'stage-run'], { cwd, env });
    await environment.stepFunctions.idle();
    const rerun = await personalizeBatch(['runs', 'rerun', 'stage-run', '--stage', 'local', '--json'], { cwd, env });

    expect(started.exitCode).toBe(0);
    expect(started.stdout).toContain('on stack personalize-batch-orchestrator-local (us-east-1)');
    expect(JSON.parse(rerun.stdout)).toMatchObject({ runId: 'stage-run-rerun-1', rerunOf: 'stage-run' });
  });

  it('names a stage that does not exist in one line, exit 3', async () => {
    const result = await personalizeBatch(['runs', 'list', '--stage', 'prod'], { cwd, env });

    expect(result.exitCode).toBe(3);
    expect(result.stderr).toBe('personalize-batch: No stack personalize-batch-orchestrator-prod in us-east-1: deploy the stage first, or pass the --region it is deployed in\n');
  });

  it('says there are no credentials in one line, exit 3', async () => {
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...withoutCredentials } = env;

    const result = await personalizeBatch(['runs', 'list', '--stage', 'local'], { cwd, env: { ...withoutCredentials, AWS_EC2_METADATA_DISABLED: 'true' } });

    expect(result.exitCode).toBe(3);
    expect(result.stderr).toBe('personalize-batch: no AWS credentials found: sign in (aws sso login, aws configure) or set AWS_PROFILE\n');
  });
});
