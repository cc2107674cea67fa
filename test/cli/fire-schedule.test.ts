import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSchedules } from '../../resources/schedules-file';
import { fireScheduleCommand, scheduledTimeFor, schedulerPayload, SCHEDULED_TIME_PLACEHOLDER } from '../../src/cli/fire-schedule-command';
import { localStateOf, writeLocalState } from '../../src/cli/local-state';
import { main } from '../../src/cli/main';
import { startLambdaStandIn } from '../../src/local/lambda';
import { startLocalEnvironment, type LocalEnvironment } from '../../src/local/local-environment';
import { withStderr } from '../support/capture-stderr';

const SCHEDULES = {
  schedules: [
    {
      name: 'nightly-users',
      description: 'Tonight\'s user list',
      expression: 'cron(0 3 * * ? *)',
      timezone: 'Europe/Berlin',
      jobGroup: 'users',
      inputKey: 'scheduled/users/nightly.jsonl',
      enabled: false,
    },
    { name: 'hourly-items', expression: 'rate(1 hour)', inputPath: 's3://another-bucket/items/hourly.jsonl' },
  ],
};


describe('personalize-batch local fire-schedule', () => {
  let environment: LocalEnvironment;
  let cwd: string;
  let schedulesFile: string;

  beforeEach(async () => {
    environment = await startLocalEnvironment({ time: 'virtual', jobDurations: { pendingMs: 60_000, inProgressMs: 120_000 } });
    cwd = await mkdtemp(join(tmpdir(), 'pbo-fire-'));
    await writeLocalState(cwd, localStateOf(environment));
    schedulesFile = join(cwd, 'my-schedules.json');
    await writeFile(schedulesFile, JSON.stringify(SCHEDULES));
  });

  afterEach(async () => {
    await environment.close();
    await rm(cwd, { recursive: true, force: true });
  });

  it('starts one run per tick through the trigger, and a second firing of the tick is a duplicate', async () => {
    // Prepare: the nightly file (under scheduled/, which no upload notification watches) and its
    // group's configuration.
    await environment.upload('config/users.json', JSON.stringify({ numResults: 4 }));
    await environment.upload('scheduled/users/nightly.jsonl', '{"userId":"user-001"}\n{"userId":"user-002"}\n');
    const lines: string[] = [];
    const again: string[] = [];

    // Act
    const first = await main(['local', 'fire-schedule', 'nightly-users', '--time', '2026-03-01T04:00:00+01:00', '--schedules', schedulesFile], (line) => lines.push(line), {
      cwd,
    });
    const executionName = 'schedule-nightly-users-20260301T030000Z';
    const execution = environment.stepFunctions.executions().find((candidate) => candidate.name === executionName);
    const finished = execution && (await environment.stepFunctions.waitForExecution(execution.executionArn));
    const second = await fireScheduleCommand({ scheduleName: 'nightly-users', time: '2026-03-01T03:00:00.000Z', schedulesFile, cwd, print: (line) => again.push(line) });

    // Assess
    expect(first).toBe(0);
    expect(lines[0]).toBe('Firing schedule nightly-users for 2026-03-01T03:00:00Z (disabled in the schedules file: deployed, it would not fire on its own)');
    expect(lines).toContain(`✔ Started execution ${executionName}`);
    expect(finished?.status).toBe('SUCCEEDED');
    expect(JSON.parse(finished?.input ?? '{}')).toEqual({
      inputPath: `s3://${environment.bucket}/scheduled/users/nightly.jsonl`,
      jobGroup: 'users',
      source: { type: 'schedule', name: 'nightly-users', scheduledTime: '2026-03-01T03:00:00Z' },
    });
    expect(await environment.getRunRecord(executionName)).toMatchObject({ status: 'SUCCEEDED', numResults: 4 });

    expect(second).toBe(0);
    expect(again).toContain(`= Duplicate: this tick already has its run, ${executionName}; nothing new was started`);
    expect(again.at(-1)).toBe('Trigger summary: 0 started, 1 duplicate, 0 rejected');
    expect(environment.stepFunctions.executions().map((candidate) => candidate.name)).toEqual([executionName]);
    expect(environment.personalize.jobs()).toHaveLength(1);
  });

  it('exits 2 listing the known schedules when the name is unknown', async () => {
    const { exitCode, stderr } = await withStderr(() => main(['local', 'fire-schedule', 'weekly', '--schedules', schedulesFile], () => undefined, { cwd }));

    expect(exitCode).toBe(2);
    expect(stderr).toContain('Unknown schedule "weekly"');
    expect(stderr).toContain('known schedules: nightly-users, hourly-items');
    expect(environment.stepFunctions.executions()).toEqual([]);
  });

  it('reads schedules.json in the working directory by default, and fires the current minute', async () => {
    await writeFile(join(cwd, 'schedules.json'), JSON.stringify(SCHEDULES));
    const lines: string[] = [];

    const exitCode = await fireScheduleCommand({ scheduleName: 'hourly-items', cwd, now: () => new Date('2026-03-01T10:17:42.512Z'), print: (line) => lines.push(line) });

    expect(exitCode).toBe(0);
    expect(lines[0]).toBe('Firing schedule hourly-items for 2026-03-01T10:17:00Z');
    expect(lines).toContain('✔ Started execution schedule-hourly-items-20260301T101700Z');
  });
});

describe('fire-schedule when the trigger fails', () => {
  it('prints the function error and exits 1', async () => {
    // Prepare: a Lambda stand-in whose trigger throws, described by a state file like any other.
    const cwd = await mkdtemp(join(tmpdir(), 'pbo-fire-error-'));
    const lambda = await startLambdaStandIn({
      functionNamePrefix: 'personalize-batch-orchestrator-local-',
      functions: {
        trigger: async () => {
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        },
      },
    });
    const unused = 'http://127.0.0.1:9';
    await writeLocalState(cwd, {
      region: 'us-east-1',
      endpoints: { personalize: unused, stepFunctions: unused, s3: unused, dynamodb: unused, lambda: lambda.endpoint },
      bucket: 'bucket-name',
      stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:x',
    });
    const schedulesFile = join(cwd, 'schedules.json');
    await writeFile(schedulesFile, JSON.stringify(SCHEDULES));
    const lines: string[] = [];

    try {
      // Act
      const exitCode = await fireScheduleCommand({ scheduleName: 'hourly-items', time: '2026-03-01T10:00:00Z', cwd, print: (line) => lines.push(line) });

      // Assess
      expect(exitCode).toBe(1);
      expect(lines.at(-1)).toBe('✘ The trigger failed: ThrottlingException: Rate exceeded');
    } finally {
      await lambda.close();
      await rm(cwd, { recursive: true, force: true });
    }
  });
});

describe('the payload fire-schedule sends', () => {
  it('is the Input resources/schedules.js deploys, with the time filled in', async () => {
    // Prepare: the deployment's own output for the repository's schedules.json.
    const deploy = createRequire(__filename)('../../resources/schedules.js') as (context: {
      resolveVariable: (name: string) => Promise<string>;
    }) => Promise<{ Resources: Record<string, { Type: string; Properties: { Name: string; Target: { Input: string } } }> }>;
    const { Resources } = await deploy({ resolveVariable: async (name) => (name === 'self:service' ? 'personalize-batch-orchestrator' : 'local') });
    const deployed = Object.values(Resources).filter((resource) => resource.Type === 'AWS::Scheduler::Schedule');
    const schedules = loadSchedules(resolve(__dirname, '../../schedules.json'));

    // Act / Assess
    expect(deployed).toHaveLength(schedules.length);
    for (const schedule of schedules) {
      const input = deployed.find((resource) => resource.Properties.Name.endsWith(`-${schedule.name}`))?.Properties.Target.Input;
      expect(schedulerPayload(schedule, '2026-03-01T03:00:00Z')).toBe(input?.replace(SCHEDULED_TIME_PLACEHOLDER, '2026-03-01T03:00:00Z'));
    }
  });

  it('floors the default time to the minute and normalizes --time to UTC without milliseconds', () => {
    expect(scheduledTimeFor(undefined, new Date('2026-03-01T10:17:42.512Z'))).toBe('2026-03-01T10:17:00Z');
    expect(scheduledTimeFor('2026-03-01T04:00:30.250+01:00', new Date())).toBe('2026-03-01T03:00:30Z');
    expect(() => scheduledTimeFor('tonight', new Date())).toThrow('--time must be an ISO 8601 time');
  });

  it('refuses a schedules file the deployment would refuse', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'pbo-schedules-'));
    try {
      const file = join(cwd, 'schedules.json');
      await writeFile(file, JSON.stringify({ schedules: [{ name: 'both', expression: 'rate(1 day)', inputKey: 'input/a.jsonl', inputPath: 's3://b/c.jsonl' }] }));

      expect(() => loadSchedules(file)).toThrow('needs exactly one of inputKey and inputPath');
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
