import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StartExecutionCommand, StopExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDbJobSlots } from '../../src/adapters/job-slots-table';
import type { VirtualClock } from '../../src/local/clock';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';
import type { LocalEnvironment } from '../../src/local/local-environment';
import { LOCAL_JOB_SLOTS_TABLE } from '../../src/local/local-stage';
import { historyOf, withLocalEnvironment } from '../support/local-run';

/*
 * Every way a job slot is handed on, end to end in local mode (state machine, handlers, job slots
 * table, task tokens, the 5-minute sweep schedule), in virtual time with one slot and one-hour jobs.
 */
const HOUR_JOBS = { maxConcurrentJobs: 1, jobDurations: { pendingMs: 60_000, inProgressMs: 3_540_000 } };
const HOUR_MS = 3_600_000;

function dynamoOf(environment: LocalEnvironment): DynamoDBClient {
  return new DynamoDBClient({ endpoint: environment.endpoints.dynamodb, region: environment.region, credentials: LOCAL_CREDENTIALS });
}

/** Starts a run a virtual second after the previous one, so "first come" is well defined. */
async function start(environment: LocalEnvironment, sfn: SFNClient, name: string, input: Record<string, unknown>): Promise<string> {
  const clock = environment.clock as VirtualClock;
  await clock.sleep(1000);
  const started = await clock.track(() => sfn.send(new StartExecutionCommand({ stateMachineArn: environment.stateMachineArn, name, input: JSON.stringify(input) })));
  return started.executionArn ?? '';
}

async function uploadUsers(environment: LocalEnvironment, key = 'manual/users.jsonl'): Promise<string> {
  await environment.upload(key, '{"userId":"user-001"}\n');
  return `s3://${environment.bucket}/${key}`;
}

describe('handing a job slot on', () => {
  it('frees the slot of a job that failed at the status check that sees it, and starts the next run then', async () => {
    await withLocalEnvironment(HOUR_JOBS, async (environment, sfn) => {
      // Prepare: A's input is not JSON Lines, so its job ends CREATE FAILED after an hour; B waits.
      await environment.upload('manual/not-json.csv', 'userId\nuser-001\n');
      const good = await uploadUsers(environment);
      const a = await start(environment, sfn, 'run-a', { inputPath: `s3://${environment.bucket}/manual/not-json.csv` });
      const b = await start(environment, sfn, 'run-b', { inputPath: good });

      // Act
      const [runA, runB] = await Promise.all([a, b].map((arn) => environment.stepFunctions.waitForExecution(arn)));

      // Assess: B's job was created as soon as A's run saw its job fail, before A's record was written.
      const [recordA, recordB] = await Promise.all([environment.getRunRecord('run-a'), environment.getRunRecord('run-b')]);
      expect([runA?.status, runB?.status]).toEqual(['FAILED', 'SUCCEEDED']);
      expect(recordA).toMatchObject({ jobStatus: 'CREATE FAILED' });
      const handOverMs = Date.parse(recordB?.jobCreatedAt ?? '') - Date.parse(recordA?.completedAt ?? '');
      expect(handOverMs).toBeLessThanOrEqual(0);
      expect(handOverMs).toBeGreaterThan(-60_000);
      expect(environment.personalize.requestCounts().CreateBatchInferenceJob).toBe(2);
    });
  }, 60_000);

  it.each([
    ['stopped by an operator', { maxWaitSeconds: 86_400 }, 'ABORTED'],
    ['past its maxWaitSeconds', { maxWaitSeconds: 1_800 }, 'FAILED'],
  ] as const)(
    'waits for the job of a run %s to end before starting the next (it still uses the quota), then starts it at the next sweep',
    async (_case, runSettings, statusA) => {
      await withLocalEnvironment(HOUR_JOBS, async (environment, sfn) => {
        // Prepare: A's job runs for an hour; B queues behind it.
        const inputPath = await uploadUsers(environment);
        const a = await start(environment, sfn, 'run-a', { inputPath, ...runSettings });
        const b = await start(environment, sfn, 'run-b', { inputPath });
        const clock = environment.clock as VirtualClock;

        // Act: the operator stops A ten minutes in (or A gives up at 30 minutes on its own).
        if (statusA === 'ABORTED') {
          await clock.sleep(600_000);
          await sfn.send(new StopExecutionCommand({ executionArn: a }));
        }
        const [runA, runB] = await Promise.all([a, b].map((arn) => environment.stepFunctions.waitForExecution(arn)));

        // Assess: A's run freed its slot when it closed, but its job went on to the hour: B was not
        // started into Personalize's refusal, and the sweep started it within 5 minutes of the job's end.
        const [recordA, recordB] = await Promise.all([environment.getRunRecord('run-a'), environment.getRunRecord('run-b')]);
        expect([runA?.status, runB?.status]).toEqual([statusA, 'SUCCEEDED']);
        const startedAfterMs = Date.parse(recordB?.jobCreatedAt ?? '') - Date.parse(recordA?.jobCreatedAt ?? '');
        expect(startedAfterMs).toBeGreaterThanOrEqual(HOUR_MS);
        expect(startedAfterMs).toBeLessThanOrEqual(HOUR_MS + 5 * 60_000 + 60_000);
        expect(environment.personalize.requestCounts().CreateBatchInferenceJob).toBe(2);
      });
    },
    60_000,
  );

  it('recovers a waiter whose wake-up was lost through its Task\'s HeartbeatSeconds when no sweep keeps it alive', async () => {
    await withLocalEnvironment({ ...HOUR_JOBS, sweepJobSlots: false }, async (environment, sfn) => {
      // Prepare: B waits; then its place in the queue is lost (as if the item were deleted by hand).
      const inputPath = await uploadUsers(environment);
      const a = await start(environment, sfn, 'run-a', { inputPath });
      const b = await start(environment, sfn, 'run-b', { inputPath });
      const clock = environment.clock as VirtualClock;
      await clock.sleep(120_000);
      const dynamo = dynamoOf(environment);
      const slots = new DynamoDbJobSlots(LOCAL_JOB_SLOTS_TABLE, 'BATCH_INFERENCE', { client: dynamo });
      const [waiter] = await slots.waiters();
      expect(waiter?.runId).toBe('run-b');
      await DynamoDBDocumentClient.from(dynamo).send(new DeleteCommand({ TableName: LOCAL_JOB_SLOTS_TABLE, Key: { pk: 'QUEUE#BATCH_INFERENCE', sk: waiter?.sortKey } }));

      // Act
      const [runA, runB] = await Promise.all([a, b].map((arn) => environment.stepFunctions.waitForExecution(arn)));

      // Assess: nobody could wake B; its wait ended at the heartbeat timeout, and Start job then took the free slot.
      expect([runA?.status, runB?.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
      // (Its later States.Timeout events are the safety polls of its own job's wait for output.)
      const heartbeatTimeouts = (await historyOf(sfn, b)).filter((event) => event.type === 'TaskTimedOut' && event.taskTimedOutEventDetails?.error === 'States.HeartbeatTimeout');
      expect(heartbeatTimeouts).toHaveLength(1);
      dynamo.destroy();
    });
  }, 60_000);

  it('waits for its events in real time too (`local up`): no busy loop of timed-out waits, one queueing, a few checks', async () => {
    await withLocalEnvironment({ time: 'realtime', maxConcurrentJobs: 1, jobDurations: { pendingMs: 500, inProgressMs: 1500 } }, async (environment, sfn) => {
      // Prepare
      await environment.upload('manual/users.jsonl', '{"userId":"user-001"}\n');
      const input = JSON.stringify({ inputPath: `s3://${environment.bucket}/manual/users.jsonl` });
      const a = await sfn.send(new StartExecutionCommand({ stateMachineArn: environment.stateMachineArn, name: 'real-a', input }));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const b = await sfn.send(new StartExecutionCommand({ stateMachineArn: environment.stateMachineArn, name: 'real-b', input }));

      // Act
      const runs = await Promise.all([a, b].map((started) => environment.stepFunctions.waitForExecution(started.executionArn ?? '')));

      // Assess: B queued once and was woken when A's job ended; each run saw its job end by its output.
      expect(runs.map((run) => run.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
      const [recordA, recordB] = await Promise.all([environment.getRunRecord('real-a'), environment.getRunRecord('real-b')]);
      expect(recordB?.capacityAttempts).toBe(1);
      expect(recordA?.pollCount).toBeLessThanOrEqual(2);
      expect(recordB?.pollCount).toBeLessThanOrEqual(2);
      for (const started of [a, b]) {
        expect((await historyOf(sfn, started.executionArn ?? '')).filter((event) => event.type === 'TaskTimedOut')).toEqual([]);
      }
    });
  }, 60_000);

  it('keeps a real-time safety poll at least 10 s (`local up`): a job outlasting the first check is not polled in a loop', async () => {
    // A 14 s job: the first wait's safety poll (600 s shortened 50×) comes at 12 s, while the job runs.
    await withLocalEnvironment({ time: 'realtime', jobDurations: { pendingMs: 1000, inProgressMs: 13_000 } }, async (environment, sfn) => {
      // Act
      await environment.upload('manual/users.jsonl', '{"userId":"user-001"}\n');
      const input = JSON.stringify({ inputPath: `s3://${environment.bucket}/manual/users.jsonl` });
      const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: environment.stateMachineArn, name: 'real-long', input }));
      const run = await environment.stepFunctions.waitForExecution(started.executionArn ?? '');

      // Assess: one safety poll at 12 s, then the output's event at 14 s (scaled alone, the next safety poll would be a fraction of a second).
      expect(run.status).toBe('SUCCEEDED');
      const record = await environment.getRunRecord('real-long');
      expect(record?.pollCount).toBe(2);
    });
  }, 60_000);
});
