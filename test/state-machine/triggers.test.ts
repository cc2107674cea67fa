import { ListBatchInferenceJobsCommand, PersonalizeClient, type BatchInferenceJobSummary } from '@aws-sdk/client-personalize';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { executionNameForSchedule } from '../../src/domain/schedule-event';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';
import { startLocalEnvironment, type LocalEnvironment } from '../../src/local/local-environment';
import { entersPollingWait, historyOf, jsonLines, readS3Text, runManually, sfnClientFor, withLocalEnvironment } from '../support/local-run';

const users = (count: number, offset = 0) =>
  Array.from({ length: count }, (_, index) => JSON.stringify({ userId: `user-${String(index + 1 + offset).padStart(3, '0')}` })).join('\n');

describe('exactly one run per trigger', () => {
  let environment: LocalEnvironment;

  beforeAll(async () => {
    // Uploads are not delivered automatically: each test delivers notifications itself.
    environment = await startLocalEnvironment({ deliverUploads: false, jobDurations: { pendingMs: 60_000, inProgressMs: 300_000 } });
  });

  afterAll(async () => {
    await environment.close();
  });

  it('starts one job when S3 delivers the same notification three times at once', async () => {
    // Prepare
    await environment.upload('input/redelivered.jsonl', users(3));
    const event = environment.notifications().find((candidate) => candidate.Records[0]?.s3.object.key === 'input/redelivered.jsonl');
    if (!event) throw new Error('no notification for the upload');
    const jobsBefore = environment.personalize.jobs().length;

    // Act
    const summaries = await Promise.all([1, 2, 3].map(() => environment.deliverS3Event(event)));
    const started = summaries.flatMap((summary) => summary.started);
    const execution = await environment.stepFunctions.waitForExecution(started[0]?.executionArn ?? '');
    const record = await environment.getRunRecord(started[0]?.executionName ?? '');

    // Assess
    expect(started).toHaveLength(1);
    expect(summaries.flatMap((summary) => summary.duplicates)).toHaveLength(2);
    expect(environment.personalize.jobs().length - jobsBefore).toBe(1);
    expect(execution.status).toBe('SUCCEEDED');
    expect(record).toMatchObject({ status: 'SUCCEEDED', deliveries: 3, acceptedAt: expect.any(String) });
  });

  it('starts one job when Scheduler delivers the same tick twice, concurrently and again later', async () => {
    // Prepare
    await environment.upload('config/users.json', JSON.stringify({ numResults: 5 }));
    await environment.upload('scheduled/users/nightly.jsonl', users(2));
    const tick = { schedule: { name: 'nightly-users', scheduledTime: '2026-11-28T03:00:00Z', jobGroup: 'users', inputKey: 'scheduled/users/nightly.jsonl' } };
    const jobsBefore = environment.personalize.jobs().length;

    // Act
    const concurrent = await Promise.all([environment.deliverS3Event(tick), environment.deliverS3Event(tick)]);
    const runId = executionNameForSchedule('nightly-users', '2026-11-28T03:00:00Z');
    const execution = await environment.stepFunctions.waitForExecution(concurrent.flatMap((summary) => summary.started)[0]?.executionArn ?? '');
    const later = await environment.deliverS3Event(tick);
    const record = await environment.getRunRecord(runId);

    // Assess
    expect(concurrent.flatMap((summary) => summary.started).map((run) => run.executionName)).toEqual([runId]);
    expect(later.duplicates).toEqual([{ schedule: 'nightly-users', executionName: runId }]);
    expect(environment.personalize.jobs().length - jobsBefore).toBe(1);
    expect(execution.status).toBe('SUCCEEDED');
    expect(record).toMatchObject({
      status: 'SUCCEEDED',
      jobGroup: 'users',
      deliveries: 3,
      source: { type: 'schedule', name: 'nightly-users', scheduledTime: '2026-11-28T03:00:00Z' },
    });
  });

  it('records a scheduled-rule event without a schedule payload as rejected, once', async () => {
    const ruleEvent = {
      version: '0',
      id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: '2026-11-28T04:00:00Z',
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:123456789012:rule/legacy-nightly'],
      detail: {},
    };

    const first = await environment.deliverS3Event(ruleEvent as never);
    const again = await environment.deliverS3Event(ruleEvent as never);
    const record = await environment.getRunRecord(first.rejected[0]?.runId ?? '');

    expect(first.rejected).toHaveLength(1);
    expect(again.rejected[0]?.runId).toBe(first.rejected[0]?.runId);
    expect(record).toMatchObject({ status: 'REJECTED', failureReason: expect.stringContaining('input transformer') });
    expect(first.started).toHaveLength(0);
  });
});

describe('job group configuration and staged inputs', () => {
  let environment: LocalEnvironment;
  let sfn: SFNClient;

  beforeAll(async () => {
    environment = await startLocalEnvironment({ jobDurations: { pendingMs: 60_000, inProgressMs: 120_000 } });
    sfn = sfnClientFor(environment);
    await environment.upload('config/users.json', JSON.stringify({ numResults: 3, tags: [{ tagKey: 'team', tagValue: 'growth' }] }));
  });

  afterAll(async () => {
    sfn.destroy();
    await environment.close();
  });

  it('applies the upload folder\'s job group configuration over the stage defaults', async () => {
    // Act
    await environment.upload('input/users/monday.jsonl', users(2));
    const [summary] = (await environment.triggersSettled()).slice(-1);
    const started = summary?.started[0];
    const execution = await environment.stepFunctions.waitForExecution(started?.executionArn ?? '');
    const record = await environment.getRunRecord(started?.executionName ?? '');
    const output = jsonLines(await readS3Text(environment, record?.outputLocation ?? '')) as Array<{ output: { recommendedItems: string[] } }>;

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(record).toMatchObject({ jobGroup: 'users', numResults: 3 });
    expect(output.map((line) => line.output.recommendedItems.length)).toEqual([3, 3]);
  });

  it('lets a manual start override its group\'s configuration', async () => {
    await environment.upload('manual/tuesday.jsonl', users(1));

    const execution = await runManually(environment, sfn, 'manual-override', {
      inputPath: `s3://${environment.bucket}/manual/tuesday.jsonl`,
      jobGroup: 'users',
      numResults: 7,
    });
    const record = await environment.getRunRecord('manual-override');

    expect(execution.status).toBe('SUCCEEDED');
    expect(record).toMatchObject({ jobGroup: 'users', numResults: 7 });
  });

  it('gives Personalize a folder holding only this run\'s input, so look-alike keys are never read', async () => {
    // Prepare: a file whose name extends the input's; as a prefix, `input/a.jsonl` would match it.
    await environment.upload('input/a.jsonl.bak', users(5, 10));
    await environment.upload('input/a.jsonl', users(2));
    const summaries = await environment.triggersSettled();
    const started = summaries.flatMap((summary) => summary.started).find((run) => run.key === 'input/a.jsonl');
    const ignoredBackup = summaries.flatMap((summary) => summary.ignored).find((ignored) => ignored.key === 'input/a.jsonl.bak');

    // Act
    await environment.stepFunctions.waitForExecution(started?.executionArn ?? '');
    const record = await environment.getRunRecord(started?.executionName ?? '');
    const output = jsonLines(await readS3Text(environment, record?.outputLocation ?? '')) as Array<{ input: { userId: string } }>;

    // Assess
    expect(ignoredBackup?.reason).toContain('input suffix');
    expect(record?.jobInputPath).toBe(`s3://${environment.bucket}/staging/${started?.executionName}/`);
    expect(output.map((line) => line.input.userId)).toEqual(['user-001', 'user-002']);
  });
});

describe('when Personalize is at its concurrent job quota', () => {
  it('runs 12 uploads to success with never more than 5 jobs in flight', async () => {
    // Prepare
    const environment = await startLocalEnvironment({
      maxConcurrentJobs: 5,
      jobDurations: { pendingMs: 120_000, inProgressMs: 600_000 },
      random: () => 0.5,
    });
    const personalize = new PersonalizeClient({ endpoint: environment.endpoints.personalize, region: environment.region, credentials: LOCAL_CREDENTIALS });
    try {
      // Act
      await Promise.all(Array.from({ length: 12 }, (_, index) => environment.upload(`input/batch-${index}.jsonl`, users(1, index))));
      const started = (await environment.triggersSettled()).flatMap((summary) => summary.started);
      const executions = await Promise.all(started.map((run) => environment.stepFunctions.waitForExecution(run.executionArn)));
      const records = await Promise.all(started.map((run) => environment.getRunRecord(run.executionName)));
      const { batchInferenceJobs = [] } = await personalize.send(new ListBatchInferenceJobsCommand({}));

      // Assess
      expect(started).toHaveLength(12);
      expect(executions.map((execution) => execution.status)).toEqual(Array(12).fill('SUCCEEDED'));
      expect(records.map((record) => record?.status)).toEqual(Array(12).fill('SUCCEEDED'));
      expect(batchInferenceJobs).toHaveLength(12);
      expect(maxJobsInFlight(batchInferenceJobs)).toBeLessThanOrEqual(5);
      // How many queue depends on how the runs interleave; that some did shows the quota was hit.
      const queued = records.filter((record) => (record?.capacityAttempts ?? 0) > 0);
      expect(queued.length).toBeGreaterThan(0);
      for (const record of queued) expect(record?.queuedSeconds).toBeGreaterThan(0);
    } finally {
      personalize.destroy();
      await environment.close();
    }
  }, 60_000);

  it('gives up after maxQueueSeconds and records that it was waiting for capacity', async () => {
    const options = { maxConcurrentJobs: 1, jobDurations: { pendingMs: 3_600_000, inProgressMs: 3_600_000 }, random: () => 0.5 };
    await withLocalEnvironment(options, async (environment, sfn) => {
      await environment.upload('manual/one.jsonl', users(1));
      // A run that gives up watching after one poll, leaving its two-hour job holding the only slot.
      await runManually(environment, sfn, 'manual-blocker', { inputPath: `s3://${environment.bucket}/manual/one.jsonl`, maxPolls: 1 });

      const execution = await runManually(environment, sfn, 'manual-queued', {
        inputPath: `s3://${environment.bucket}/manual/one.jsonl`,
        maxQueueSeconds: 600,
      });
      const record = await environment.getRunRecord('manual-queued');

      const entered = (await historyOf(sfn, execution.executionArn)).flatMap((event) => (event.type?.endsWith('StateEntered') ? [event.stateEnteredEventDetails?.name] : []));
      expect(entered.filter((name) => name === 'Wait for a job slot').length).toBe(entered.filter((name) => name === 'Start job').length - 1);
      expect(entered.slice(-3)).toEqual(['Record run', 'Run succeeded?', 'Run failed']);
      expect(execution).toMatchObject({ status: 'FAILED', error: 'CapacityWaitExceededError' });
      expect(record).toMatchObject({ status: 'FAILED', errorType: 'CapacityWaitExceededError', inputPath: `s3://${environment.bucket}/manual/one.jsonl` });
      // One queueing: no retry storm against Personalize while the slot is taken.
      expect(record?.capacityAttempts).toBe(1);
      // The blocker's job outlived its run: an outside job to the queue, counted from ListBatchInferenceJobs.
      expect(record?.failureReason).toMatch(/^Still 1st in the queue for a Personalize job slot after 600 s \(maxQueueSeconds 600\)/);
      expect(environment.personalize.requestCounts().CreateBatchInferenceJob).toBe(1);
    });
  });
});

describe('the run record while a run is under way', () => {
  it('says RUNNING with the job while it polls, then the outcome', async () => {
    // Prepare: real pauses in the waits leave time to read the record mid-run.
    await withLocalEnvironment({ realMsPerWait: 150, jobDurations: { pendingMs: 60_000, inProgressMs: 120_000 } }, async (environment, sfn) => {
      const seenWhilePolling: Array<Promise<unknown>> = [];
      environment.stepFunctions.onHistoryEvent((_arn, event) => {
        if (entersPollingWait(event)) {
          seenWhilePolling.push(environment.getRunRecord('manual-progress'));
        }
      });
      await environment.upload('manual/progress.jsonl', users(1));

      // Act
      await runManually(environment, sfn, 'manual-progress', { inputPath: `s3://${environment.bucket}/manual/progress.jsonl`, jobGroup: 'default' });
      const during = await Promise.all(seenWhilePolling);
      const after = await environment.getRunRecord('manual-progress');

      // Assess
      expect(during.length).toBeGreaterThan(0);
      // With its group, so `runs list --group` and `runs watch` find a run in flight.
      expect(during[0]).toMatchObject({ status: 'RUNNING', jobGroup: 'default', jobArn: expect.stringContaining(':batch-inference-job/manual-progress') });
      expect(after).toMatchObject({ status: 'SUCCEEDED', jobArn: (during[0] as { jobArn: string }).jobArn });
      // The start `runs list` shows does not change when the run ends.
      expect((during[0] as { startedAt?: string }).startedAt).toBe(after?.startedAt);
    });
  });
});

/** Jobs in flight: created and not yet finished (their last update is the final transition). */
function maxJobsInFlight(jobs: BatchInferenceJobSummary[]): number {
  const events = jobs.flatMap((job) => [
    { at: job.creationDateTime?.getTime() ?? 0, delta: 1 },
    { at: job.lastUpdatedDateTime?.getTime() ?? 0, delta: -1 },
  ]);
  // At equal times a finish frees its slot before a start takes one, as in the stand-in's quota check.
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let max = 0;
  for (const event of events) {
    current += event.delta;
    max = Math.max(max, current);
  }
  return max;
}
