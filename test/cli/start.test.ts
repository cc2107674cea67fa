import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { readConfigFile } from '../../src/cli/local-config';
import { localStateOf, writeLocalState } from '../../src/cli/local-state';
import { localUpCommand } from '../../src/cli/local-up-command';
import { main } from '../../src/cli/main';
import { defaultExecutionName, startCommand, type StartCommandOptions } from '../../src/cli/start-command';
import { startLocalEnvironment, type LocalEnvironment } from '../../src/local/local-environment';
import { sfnClientFor } from '../support/local-run';
import { withStderr } from '../support/capture-stderr';

const INPUT_KEY = 'input/manual/users.jsonl';
const INPUT_LINES = '{"userId":"user-001"}\n{"userId":"user-002"}\n';
const noSleep = async () => undefined;

/** Captures what main() writes to stderr, for the commands that fail before printing anything. */

describe('personalize-batch start on the local environment', () => {
  let environment: LocalEnvironment;
  let sfn: SFNClient;
  let cwd: string;
  let inputPath: string;

  beforeEach(async () => {
    environment = await startLocalEnvironment({ time: 'virtual', jobDurations: { pendingMs: 60_000, inProgressMs: 120_000 } });
    sfn = sfnClientFor(environment);
    cwd = await mkdtemp(join(tmpdir(), 'pbo-start-'));
    await writeLocalState(cwd, localStateOf(environment));
    inputPath = `s3://${environment.bucket}/${INPUT_KEY}`;
  });

  afterEach(async () => {
    sfn.destroy();
    await environment.close();
    await rm(cwd, { recursive: true, force: true });
  });

  const options = (overrides: Partial<StartCommandOptions>): StartCommandOptions => ({
    inputPath,
    config: { local: {}, jobSettings: {} },
    wait: false,
    print: () => undefined,
    cwd,
    sleep: noSleep,
    ...overrides,
  });

  async function listExecutions() {
    return (await sfn.send(new ListExecutionsCommand({ stateMachineArn: environment.stateMachineArn }))).executions ?? [];
  }

  it('starts the run with the config file settings and, with --wait, follows it to SUCCEEDED', async () => {
    // Prepare
    await environment.upload(INPUT_KEY, INPUT_LINES);
    await environment.triggersSettled();
    // A named job group needs its configuration file; the run's own settings override it.
    await environment.upload('config/users.json', JSON.stringify({ numResults: 3, maxPolls: 100 }));
    const configFile = join(cwd, 'settings.json');
    await writeFile(configFile, JSON.stringify({ numResults: 5, local: { maxConcurrentJobs: 1 } }));
    const lines: string[] = [];
    const sleeps: number[] = [];

    // Act
    const exitCode = await startCommand(
      options({
        config: await readConfigFile(configFile),
        configFile,
        jobGroup: 'users',
        wait: true,
        print: (line) => lines.push(line),
        sleep: async (ms) => {
          sleeps.push(ms);
          await new Promise((tick) => setTimeout(tick, 5));
        },
      }),
    );

    // Assess
    expect(exitCode).toBe(0);
    const started = /^Started execution (arn:aws:states:\S+:execution:\S+:(manual-\d{8}T\d{6}Z-[0-9a-f]{8}))$/.exec(lines.find((line) => line.startsWith('Started')) ?? '');
    expect(started).not.toBeNull();
    const [, executionArn, runId] = started as RegExpExecArray;
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.input ?? '{}')).toEqual({ numResults: 5, inputPath, jobGroup: 'users' });
    expect(await environment.getRunRecord(runId as string)).toMatchObject({ status: 'SUCCEEDED', numResults: 5, inputPath, jobGroup: 'users' });
    expect(lines.at(-1)).toBe(`✔ Run ${runId} SUCCEEDED`);
    expect(lines).toContainEqual(expect.stringMatching(/^Output: s3:\/\/.*\/users\.jsonl\.out$/));
    // The same live progress as `runs watch`: the states as they happen, the job's status at each poll.
    expect(lines).toContainEqual(expect.stringMatching(/Start job/));
    expect(lines).toContainEqual(expect.stringMatching(/Get job status/));
    expect(sleeps.length).toBeGreaterThan(0);
    expect(new Set(sleeps)).toEqual(new Set([1000]));
  });

  it('prints every issue, starts nothing and exits 2 when the input is invalid', async () => {
    // Prepare
    const configFile = join(cwd, 'bad.json');
    await writeFile(configFile, JSON.stringify({ numResults: 0, colour: 'blue', jobName: 'fixed-name', local: {} }));
    const lines: string[] = [];

    // Act
    const exitCode = await main(['start', '--input', 'https://example.com/users.jsonl', '--config', configFile], (line) => lines.push(line), { cwd });

    // Assess
    expect(exitCode).toBe(2);
    expect(lines[0]).toBe('✘ The execution input is invalid; nothing was started:');
    expect(lines.slice(1)).toEqual(
      expect.arrayContaining([
        '  inputPath: must be an S3 URI: s3://<bucket>/<key>',
        '  numResults: must be at least 1',
        '  colour: is not a known field',
        `  ${configFile}: jobName: belongs to a single run, not to a job settings file (use --input, --group)`,
      ]),
    );
    expect(lines).toHaveLength(5);
    expect(await listExecutions()).toEqual([]);
  });

  it('exits 1 without starting a second execution when the name was already used', async () => {
    // Prepare
    const first = await startCommand(options({ executionName: 'nightly-rerun', wait: true }));
    const lines: string[] = [];

    // Act
    const second = await startCommand(
      options({ executionName: 'nightly-rerun', config: { local: {}, jobSettings: { numResults: 7 } }, print: (line) => lines.push(line) }),
    );

    // Assess
    expect(first).toBe(1); // nothing was uploaded, so the run failed; its name is spent all the same
    expect(second).toBe(1);
    expect(lines.at(-1)).toMatch(/^✘ The execution name nightly-rerun was already used on this state machine/);
    expect((await listExecutions()).map((execution) => execution.name)).toEqual(['nightly-rerun']);
  });

  it('reports a failed run with its error and cause and exits 1', async () => {
    const lines: string[] = [];

    const exitCode = await startCommand(options({ inputPath: `s3://${environment.bucket}/input/missing.jsonl`, wait: true, print: (line) => lines.push(line) }));

    expect(exitCode).toBe(1);
    // The recorded reason on the last line, and the error type where the step failed.
    expect(lines.at(-1)).toMatch(/^✘ Run manual-\S+ FAILED: Invalid run input: inputPath: names s3:\/\/\S+, which does not exist$/);
    expect(lines).toContainEqual(expect.stringMatching(/✗ InvalidRunInputError: Invalid run input/));
  });
});

describe('personalize-batch start with `local up`', () => {
  it('finds the environment through the state file local up writes, which goes away on shutdown', async () => {
    // Prepare
    const cwd = await mkdtemp(join(tmpdir(), 'pbo-start-up-'));
    let stop!: () => void;
    const stopped = new Promise<void>((resolveStop) => (stop = resolveStop));
    const printed: string[] = [];
    const up = localUpCommand({ config: { local: {}, jobSettings: {} }, verbose: false, print: (line) => printed.push(line), untilSignal: () => stopped, stateDirectory: cwd });
    while (printed.length === 0) await new Promise((tick) => setTimeout(tick, 10));
    const stateFile = join(cwd, '.personalize-batch', 'local.json');
    const state = JSON.parse(await readFile(stateFile, 'utf8'));
    const lines: string[] = [];

    try {
      // Act: a group without a configuration file, so the run ends at once and shutdown is quick.
      const exitCode = await main(['start', '--input', `s3://${state.bucket}/input/users.jsonl`, '--group', 'unconfigured', '--name', 'from-state-file'], (line) => lines.push(line), { cwd });

      // Assess
      expect(exitCode).toBe(0);
      expect(state).toEqual(JSON.parse(printed[0] ?? '{}'));
      expect(state.endpoints.lambda).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(lines).toContain(`Started execution ${state.stateMachineArn.replace(':stateMachine:', ':execution:')}:from-state-file`);
    } finally {
      stop();
      await up;
    }
    await expect(access(join(cwd, '.personalize-batch'))).rejects.toMatchObject({ code: 'ENOENT' });
    await rm(cwd, { recursive: true, force: true });
  });
});

describe('personalize-batch start without a local environment', () => {
  it('exits 3 (nothing to talk to) telling the user to start one', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'pbo-start-none-'));
    try {
      const { exitCode, stderr } = await withStderr(() => main(['start', '--input', 's3://bucket-name/input/users.jsonl'], () => undefined, { cwd }));

      expect(exitCode).toBe(3);
      expect(stderr).toContain('no local environment is running: start one with `personalize-batch local up`');
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('exits 2 when --region is given without --stage', async () => {
    const { exitCode, stderr } = await withStderr(() => main(['start', '--input', 's3://bucket-name/a.jsonl', '--region', 'eu-west-1'], () => undefined));

    expect(exitCode).toBe(2);
    expect(stderr).toContain('--region applies to a deployed stack');
  });
});

describe('personalize-batch start --stage', () => {
  const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:personalize-batch-orchestrator-prod-batch-inference';
  const EXECUTION_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:personalize-batch-orchestrator-prod-batch-inference:manual-x';
  // Created per test, not at collection time: mocking SFNClient patches its prototype, which the
  // local-environment tests above must see unpatched.
  let cloudFormation: AwsClientStub<CloudFormationClient>;
  let stepFunctions: AwsClientStub<SFNClient>;
  let dynamodb: AwsClientStub<DynamoDBDocumentClient>;

  beforeEach(() => {
    cloudFormation = mockClient(CloudFormationClient);
    stepFunctions = mockClient(SFNClient);
    dynamodb = mockClient(DynamoDBDocumentClient);
  });

  afterEach(() => {
    cloudFormation.restore();
    stepFunctions.restore();
    dynamodb.restore();
  });

  const stageOptions = (overrides: Partial<StartCommandOptions>): StartCommandOptions => ({
    inputPath: 's3://personalize-batch-prod-123456789012-eu-west-1/input/users.jsonl',
    config: { local: {}, jobSettings: {} },
    stage: 'prod',
    region: 'eu-west-1',
    wait: false,
    print: () => undefined,
    sleep: noSleep,
    ...overrides,
  });

  it('starts on the state machine named by the stack output and polls every 10 s until it closes', async () => {
    // Prepare
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'personalize-batch-orchestrator-prod',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(0),
          Outputs: [
            { OutputKey: 'DataBucketName', OutputValue: 'personalize-batch-prod-123456789012-eu-west-1' },
            { OutputKey: 'StateMachineArn', OutputValue: STATE_MACHINE_ARN },
            { OutputKey: 'RunsTableName', OutputValue: 'personalize-batch-orchestrator-prod-runs' },
          ],
        },
      ],
    });
    // No history and no record yet: the run is followed from DescribeExecution alone.
    dynamodb.on(ScanCommand).resolves({ Items: [] });
    dynamodb.on(GetCommand).resolves({});
    stepFunctions.on(GetExecutionHistoryCommand).resolves({ events: [] });
    stepFunctions.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date() });
    stepFunctions
      .on(DescribeExecutionCommand)
      .resolvesOnce({ executionArn: EXECUTION_ARN, name: 'manual-x', status: 'RUNNING', stateMachineArn: STATE_MACHINE_ARN, startDate: new Date() })
      .resolves({
        executionArn: EXECUTION_ARN,
        name: 'manual-x',
        status: 'FAILED',
        stateMachineArn: STATE_MACHINE_ARN,
        startDate: new Date(),
        error: 'JobRejectedError',
        cause: 'Personalize refused the job: the solution version is not ACTIVE',
      });
    const lines: string[] = [];
    const sleeps: number[] = [];

    // Act
    const exitCode = await startCommand(
      stageOptions({ executionName: 'manual-x', wait: true, print: (line) => lines.push(line), sleep: async (ms) => void sleeps.push(ms) }),
    );

    // Assess
    expect(exitCode).toBe(1);
    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'personalize-batch-orchestrator-prod' });
    expect(stepFunctions).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'manual-x',
      input: JSON.stringify({ inputPath: 's3://personalize-batch-prod-123456789012-eu-west-1/input/users.jsonl' }),
    });
    expect(await (stepFunctions.call(0).thisValue as SFNClient).config.region()).toBe('eu-west-1');
    // One 10 s poll while it ran, then short waits for the record the event rule writes.
    expect(sleeps[0]).toBe(10_000);
    expect(sleeps.slice(1).every((ms) => ms <= 1_000)).toBe(true);
    expect(dynamodb).toHaveReceivedCommandWith(GetCommand, { TableName: 'personalize-batch-orchestrator-prod-runs', Key: { runId: 'manual-x' } });
    expect(lines).toEqual(
      expect.arrayContaining([`Started execution ${EXECUTION_ARN}`, '✘ Run manual-x FAILED: Personalize refused the job: the solution version is not ACTIVE']),
    );
  });

  it('says which stack is missing and starts nothing', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id personalize-batch-orchestrator-qa does not exist'), { name: 'ValidationError' }));

    await expect(startCommand(stageOptions({ stage: 'qa' }))).rejects.toThrow('No stack personalize-batch-orchestrator-qa in eu-west-1');
    expect(stepFunctions).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('validates the input before calling AWS at all', async () => {
    const exitCode = await startCommand(stageOptions({ inputPath: 's3://x/users.jsonl' }));

    expect(exitCode).toBe(2);
    expect(cloudFormation).not.toHaveReceivedCommand(DescribeStacksCommand);
    expect(stepFunctions).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});

describe('defaultExecutionName', () => {
  it('is manual-<UTC time>-<8 hex of the input hash>, a valid execution name', () => {
    const name = defaultExecutionName('{"inputPath":"s3://bucket-name/a.jsonl"}', new Date('2026-11-28T03:04:05.678Z'));

    expect(name).toMatch(/^manual-20261128T030405Z-[0-9a-f]{8}$/);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(defaultExecutionName('{"inputPath":"s3://bucket-name/b.jsonl"}', new Date('2026-11-28T03:04:05.678Z'))).not.toBe(name);
  });
});
