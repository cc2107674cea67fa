import { CreateBatchInferenceJobCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';
import type { VirtualClock } from '../../src/local/clock';
import type { LocalEnvironment } from '../../src/local/local-environment';
import type { RunRecord } from '../../src/domain/run';
import { EXECUTION_NAME_MAX_LENGTH } from '../../src/domain/naming';
import { readS3Text, runManually, withLocalEnvironment } from '../support/local-run';

const USERS = ['user-001', 'user-002', 'user-003'].map((userId) => JSON.stringify({ userId })).join('\n');
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const FAST = { jobDurations: { pendingMs: 30_000, inProgressMs: 30_000 } };

/** The record's times in the order they must hold: accepted ≤ started ≤ (queued ≤) job created ≤ completed. */
function expectOrderedTimes(record: RunRecord | undefined, expected: Array<keyof RunRecord>): void {
  const times = expected.map((field) => {
    const value = record?.[field];
    if (typeof value !== 'string') throw new Error(`The record has no ${String(field)}: ${JSON.stringify(record)}`);
    return Date.parse(value);
  });
  expect(times).toEqual([...times].sort((a, b) => a - b));
}

async function uploadAndSettle(environment: LocalEnvironment, key: string): Promise<RunRecord | undefined> {
  await environment.upload(key, USERS);
  const summaries = await environment.triggersSettled();
  const started = summaries.flatMap((summary) => summary.started).find((run) => run.key === key);
  if (!started) throw new Error(`The upload started no run: ${JSON.stringify(summaries)}`);
  expect(started.executionName.length).toBeLessThanOrEqual(EXECUTION_NAME_MAX_LENGTH);
  expect(started.executionName).toMatch(/^[0-9A-Za-z_-]+$/);
  await environment.stepFunctions.waitForExecution(started.executionArn);
  return environment.getRunRecord(started.executionName);
}

describe('a run adopts only the job it created itself', () => {
  it('fails the second of two manual starts a week apart with the same jobName and paths, naming the jobName', async () => {
    await withLocalEnvironment(FAST, async (environment, sfn) => {
      // Prepare: last week's run with a fixed job name, a folder input and a fixed output path.
      const input = {
        inputPath: `s3://${environment.bucket}/manual/weekly/`,
        outputPath: `s3://${environment.bucket}/output/weekly/`,
        jobName: 'weekly-users',
      };
      await environment.upload('manual/weekly/users.jsonl', USERS);
      const first = await runManually(environment, sfn, 'weekly-1', input);
      const firstRecord = await environment.getRunRecord('weekly-1');
      (environment.clock as VirtualClock).advance(WEEK_MS);
      await environment.upload('manual/weekly/users.jsonl', `${USERS}\n{"userId":"user-004"}`);

      // Act
      const second = await runManually(environment, sfn, 'weekly-2', input);
      const record = await environment.getRunRecord('weekly-2');

      // Assess
      expect(first.status).toBe('SUCCEEDED');
      expect(second.status).toBe('FAILED');
      expect(record).toMatchObject({ status: 'FAILED', errorType: 'JobRejectedError' });
      expect(record?.failureReason).toContain('Job name weekly-users is already used by a batch inference job created at');
      expect(record?.failureReason).toContain('omit jobName');
      expect(record?.jobArn).toBeUndefined();
      expect(record?.outputLocation).toBeUndefined();
      expect(JSON.stringify(record)).not.toContain(firstRecord?.jobArn);
      expect(environment.personalize.jobs()).toHaveLength(1);
    });
  });
});

describe('limits apply to the paths Personalize receives', () => {
  it('runs an upload whose file name is 212 characters, and one whose key is 1,024 bytes of multi-byte UTF-8', async () => {
    await withLocalEnvironment(FAST, async (environment) => {
      // Prepare: s3rver keeps objects as files, so the long key is split into folders of < 255 bytes.
      const longName = `input/users/${'n'.repeat(206)}.jsonl`;
      const folder = '日本語のフォルダ'.repeat(10); // 240 bytes
      let multiByte = `input/users/${folder}/${folder}/${folder}/${folder}/`;
      const room = 1024 - Buffer.byteLength(multiByte, 'utf8') - '.jsonl'.length;
      multiByte += `${'ü'.repeat(Math.floor(room / 2))}${'u'.repeat(room % 2)}.jsonl`;
      expect(Buffer.byteLength(multiByte, 'utf8')).toBe(1024);

      // Act
      const longNameRecord = await uploadAndSettle(environment, longName);
      const multiByteRecord = await uploadAndSettle(environment, multiByte);

      // Assess
      for (const record of [longNameRecord, multiByteRecord]) {
        expect(record).toMatchObject({ status: 'SUCCEEDED' });
        expect(record?.jobInputPath?.length).toBeLessThanOrEqual(256);
        expect(await readS3Text(environment, record!.outputLocation!)).toContain('user-003');
      }
      expect(longNameRecord?.inputPath).toBe(`s3://${environment.bucket}/${longName}`);
      expect(longNameRecord?.outputLocation).toMatch(/n{206}\.jsonl\.out$/);
    });
  });

  it('fails a run whose unstaged folder path, or whose output path, is longer than Personalize accepts, naming the field', async () => {
    await withLocalEnvironment(FAST, async (environment, sfn) => {
      // Prepare
      const longFolder = `s3://${environment.bucket}/manual/${'f'.repeat(220)}/`;
      await environment.upload(`manual/${'f'.repeat(220)}/users.jsonl`, USERS);
      const groupOutput = `s3://${environment.bucket}/output/${'o'.repeat(190)}/`;
      await environment.s3.send(
        new PutObjectCommand({ Bucket: environment.bucket, Key: 'config/long-output.json', Body: JSON.stringify({ outputPath: groupOutput }) }),
      );
      await environment.upload('manual/users.jsonl', USERS);

      // Act
      await runManually(environment, sfn, 'long-folder', { inputPath: longFolder });
      await runManually(environment, sfn, 'long-output', { inputPath: `s3://${environment.bucket}/manual/users.jsonl`, jobGroup: 'long-output' });

      // Assess
      expect(await environment.getRunRecord('long-folder')).toMatchObject({
        status: 'FAILED',
        errorType: 'InvalidRunInputError',
        failureReason: expect.stringMatching(/inputPath: gives Personalize the path .* which is \d+ characters; Personalize accepts job paths of at most 256/),
      });
      expect(await environment.getRunRecord('long-output')).toMatchObject({
        status: 'FAILED',
        errorType: 'InvalidRunInputError',
        failureReason: expect.stringMatching(/outputPath: gives Personalize the path .*\(built as <outputPath>long-output\/\), which is \d+ characters/),
      });
      expect(environment.personalize.jobs()).toHaveLength(0);
    });
  });
});

describe('every time on a record comes from one clock, in order', () => {
  it('orders acceptedAt ≤ startedAt ≤ jobCreatedAt ≤ completedAt on a run that succeeded, and on one that failed', async () => {
    await withLocalEnvironment(FAST, async (environment) => {
      const succeeded = await uploadAndSettle(environment, 'input/users/ok.jsonl');
      const failed = await uploadAndSettle(environment, 'input/missing-group-file/x.jsonl');
      expect(succeeded?.status).toBe('SUCCEEDED');
      expectOrderedTimes(succeeded, ['acceptedAt', 'startedAt', 'jobCreatedAt', 'completedAt']);
      expect(Date.parse(succeeded!.completedAt) - Date.parse(succeeded!.startedAt)).toBeGreaterThanOrEqual(60_000);
      expectOrderedTimes(failed, ['acceptedAt', 'startedAt', 'completedAt']);
    });
  });

  it('orders acceptedAt ≤ startedAt ≤ queuedSince ≤ jobCreatedAt ≤ completedAt on a run that waited for capacity', async () => {
    await withLocalEnvironment({ ...FAST, maxConcurrentJobs: 1, random: () => 0.5 }, async (environment) => {
      // Prepare: another job holds the only slot.
      const personalize = new PersonalizeClient({ endpoint: environment.endpoints.personalize, region: environment.region, credentials: LOCAL_CREDENTIALS });
      await environment.upload('manual/blocker.jsonl', USERS);
      await personalize.send(
        new CreateBatchInferenceJobCommand({
          jobName: 'blocker',
          solutionVersionArn: environment.personalize.catalog.solutionVersions[0]!.arn,
          roleArn: environment.personalizeRoleArn,
          jobInput: { s3DataSource: { path: `s3://${environment.bucket}/manual/blocker.jsonl` } },
          jobOutput: { s3DataDestination: { path: `s3://${environment.bucket}/output/blocker/` } },
        }),
      );
      personalize.destroy();

      // Act
      const record = await uploadAndSettle(environment, 'input/users/queued.jsonl');

      // Assess
      expect(record).toMatchObject({ status: 'SUCCEEDED', capacityAttempts: expect.any(Number) });
      expectOrderedTimes(record, ['acceptedAt', 'startedAt', 'queuedSince', 'jobCreatedAt', 'completedAt']);
    });
  });

  it('orders acceptedAt ≤ startedAt ≤ completedAt on a run closed by recordClosedExecution', async () => {
    await withLocalEnvironment({ ...FAST, injectFault: (functionKey) => (functionKey === 'recordRun' ? 'Lambda.ServiceException' : undefined) }, async (environment) => {
      const record = await uploadAndSettle(environment, 'input/users/closed.jsonl');
      await environment.closedExecutionsSettled();
      const closed = await environment.getRunRecord(record!.runId);
      expect(closed).toMatchObject({ status: 'FAILED' });
      expectOrderedTimes(closed, ['acceptedAt', 'startedAt', 'jobCreatedAt', 'completedAt']);
    });
  });
});
