import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBatchInferenceJobCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, StartExecutionCommand, StopExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDbJobSlots } from '../../src/adapters/job-slots-table';
import type { VirtualClock } from '../../src/local/clock';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';
import type { LocalEnvironment } from '../../src/local/local-environment';
import { LOCAL_JOB_SLOTS_TABLE } from '../../src/local/local-stage';
import { localLambdaContext } from '../../src/local/local-runner';
import { historyOf, withLocalEnvironment } from '../support/local-run';

/*
 * The job slot queue end to end in local mode (state machine, handlers, DynamoDB table, task tokens
 * on the Step Functions stand-in), in virtual time: one-hour jobs, a few seconds of real time.
 */
const HOUR_JOBS = { maxConcurrentJobs: 1, jobDurations: { pendingMs: 60_000, inProgressMs: 3_540_000 }, random: () => 0.5 };

function slotsOf(environment: LocalEnvironment): DynamoDbJobSlots {
  const client = new DynamoDBClient({ endpoint: environment.endpoints.dynamodb, region: environment.region, credentials: LOCAL_CREDENTIALS });
  return new DynamoDbJobSlots(LOCAL_JOB_SLOTS_TABLE, 'BATCH_INFERENCE', { client });
}

/** Starts runs `gapMs` of virtual time apart, without waiting for them; returns their ARNs. */
async function startRuns(environment: LocalEnvironment, sfn: SFNClient, names: string[], input: unknown, gapMs = 1000): Promise<string[]> {
  const clock = environment.clock as VirtualClock;
  const arns: string[] = [];
  for (const name of names) {
    if (arns.length > 0) await clock.sleep(gapMs);
    const started = await clock.track(() => sfn.send(new StartExecutionCommand({ stateMachineArn: environment.stateMachineArn, name, input: JSON.stringify(input) })));
    arns.push(started.executionArn ?? '');
  }
  return arns;
}

describe('the job slot queue in local mode', () => {
  it('never gives a slot to a run aborted while queued, and wakes the next waiter when the slot frees', async () => {
    await withLocalEnvironment(HOUR_JOBS, async (environment, sfn) => {
      // Prepare: one slot; A holds it, B and C queue behind it.
      await environment.upload('manual/users.jsonl', '{"userId":"user-001"}\n');
      const input = { inputPath: `s3://${environment.bucket}/manual/users.jsonl` };
      const [a, b, c] = await startRuns(environment, sfn, ['run-a', 'run-b', 'run-c'], input);
      await (environment.clock as VirtualClock).sleep(120_000);
      const slots = slotsOf(environment);
      expect((await slots.holders()).map((holder) => holder.runId)).toEqual(['run-a']);
      expect((await slots.waiters()).map((waiter) => waiter.runId)).toEqual(['run-b', 'run-c']);

      // Act: an operator stops B while it waits.
      await sfn.send(new StopExecutionCommand({ executionArn: b }));
      const [runA, runB, runC] = await Promise.all([a, b, c].map((arn) => environment.stepFunctions.waitForExecution(arn ?? '')));
      await environment.closedExecutionsSettled();

      // Assess
      expect([runA?.status, runB?.status, runC?.status]).toEqual(['SUCCEEDED', 'ABORTED', 'SUCCEEDED']);
      expect(environment.personalize.jobs().map((job) => job.jobName.split('-').slice(0, 2).join('-')).sort()).toEqual(['run-a', 'run-c']);
      expect(environment.personalize.requestCounts().CreateBatchInferenceJob).toBe(2);
      const [recordA, recordC] = await Promise.all([environment.getRunRecord('run-a'), environment.getRunRecord('run-c')]);
      // C started when A's job ended (its run saw it at the next poll), not an hour later.
      const handOverMs = Date.parse(recordC?.jobCreatedAt ?? '') - Date.parse(recordA?.completedAt ?? '');
      expect(handOverMs).toBeGreaterThanOrEqual(-1000);
      expect(handOverMs).toBeLessThan(60_000);
      expect(await slots.holders()).toEqual([]);
      expect(await slots.waiters()).toEqual([]);
    });
  }, 60_000);

  it('counts a job started outside the stack against the slots', async () => {
    await withLocalEnvironment({ ...HOUR_JOBS, maxConcurrentJobs: 2 }, async (environment, sfn) => {
      // Prepare: someone creates a job in the console; the stack's slot table knows nothing of it.
      await environment.upload('manual/users.jsonl', '{"userId":"user-001"}\n');
      const personalize = new PersonalizeClient({ endpoint: environment.endpoints.personalize, region: environment.region, credentials: LOCAL_CREDENTIALS });
      await personalize.send(
        new CreateBatchInferenceJobCommand({
          jobName: 'console-job',
          solutionVersionArn: environment.personalize.catalog.solutionVersions[0]?.arn,
          roleArn: environment.personalizeRoleArn,
          jobInput: { s3DataSource: { path: `s3://${environment.bucket}/manual/users.jsonl` } },
          jobOutput: { s3DataDestination: { path: `s3://${environment.bucket}/output/console/` } },
        }),
      );
      personalize.destroy();
      const input = { inputPath: `s3://${environment.bucket}/manual/users.jsonl` };

      // Act
      const arns = await startRuns(environment, sfn, ['run-a', 'run-b'], input);
      await (environment.clock as VirtualClock).sleep(120_000);

      // Assess: of two slots, the outside job takes one; B waits without asking Personalize.
      const slots = slotsOf(environment);
      expect((await slots.holders()).map((holder) => holder.runId)).toEqual(['run-a']);
      expect((await slots.waiters()).map((waiter) => waiter.runId)).toEqual(['run-b']);
      expect(environment.personalize.requestCounts().CreateBatchInferenceJob).toBe(2);
      const runs = await Promise.all(arns.map((arn) => environment.stepFunctions.waitForExecution(arn)));
      expect(runs.map((run) => run.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
      expect(environment.personalize.requestCounts().CreateBatchInferenceJob).toBe(3);
    });
  }, 60_000);

  it('answers SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat for a waiting run as Step Functions does', async () => {
    await withLocalEnvironment(HOUR_JOBS, async (environment, sfn) => {
      // Prepare: A holds the only slot; B waits with a live task token.
      await environment.upload('manual/users.jsonl', '{"userId":"user-001"}\n');
      const input = { inputPath: `s3://${environment.bucket}/manual/users.jsonl` };
      const [, b] = await startRuns(environment, sfn, ['run-a', 'run-b'], input);
      await (environment.clock as VirtualClock).sleep(120_000);
      const [waiter] = await slotsOf(environment).waiters();
      const token = waiter?.taskToken ?? '';
      const unknown = `${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;

      // Act & Assess
      await expect(sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }))).resolves.toBeDefined();
      await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: 'not a token', output: '{}' }))).rejects.toMatchObject({ name: 'InvalidToken' });
      await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: unknown, output: '{}' }))).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
      await expect(sfn.send(new SendTaskHeartbeatCommand({ taskToken: unknown }))).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
      await sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'OperatorRefused', cause: 'refused by a test' }));
      await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
      await expect(sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
      // The failure is a States.TaskFailed, which the Task's Retry list retries (as Step Functions
      // does): B queues again with a new token, is woken when A's slot frees, and runs to the end.
      const runB = await environment.stepFunctions.waitForExecution(b ?? '');
      await environment.closedExecutionsSettled();
      expect((await historyOf(sfn, b ?? '')).filter((event) => event.type === 'TaskFailed').map((event) => event.taskFailedEventDetails?.error)).toEqual(['OperatorRefused']);
      expect(runB.status).toBe('SUCCEEDED');
      expect(await slotsOf(environment).waiters()).toEqual([]);
    });
  }, 60_000);

  it('sweeps the slot of a run that died without a closed-execution event, and wakes the waiter', async () => {
    await withLocalEnvironment(HOUR_JOBS, async (environment, sfn) => {
      // Prepare: the only slot is held by a run whose execution is gone (its event was lost).
      const slots = slotsOf(environment);
      const ghost = `${environment.stateMachineArn.replace(':stateMachine:', ':execution:')}:ghost`;
      await slots.take({ runId: 'ghost', executionArn: ghost, jobName: 'ghost-job', since: new Date(environment.clock.now()).toISOString() }, 1);
      await environment.upload('manual/users.jsonl', '{"userId":"user-001"}\n');
      const [b] = await startRuns(environment, sfn, ['run-b'], { inputPath: `s3://${environment.bucket}/manual/users.jsonl` });
      await (environment.clock as VirtualClock).sleep(60_000);
      expect((await slots.waiters()).map((waiter) => waiter.runId)).toEqual(['run-b']);

      // Act: the 5-minute schedule fires.
      const swept = await environment.functions.sweepJobSlots({} as never, localLambdaContext('sweepJobSlots'));

      // Assess
      expect(swept).toMatchObject({ released: ['ghost'], woken: ['run-b'], dropped: [] });
      const runB = await environment.stepFunctions.waitForExecution(b ?? '');
      expect(runB.status).toBe('SUCCEEDED');
      expect(environment.personalize.requestCounts().CreateBatchInferenceJob).toBe(1);
    });
  }, 60_000);

  it('puts a run Personalize refused on a slot we thought free back in the queue, and starts it when a slot frees', async () => {
    // The stage says 2 slots; the account's quota is 1.
    await withLocalEnvironment({ ...HOUR_JOBS, maxConcurrentJobs: 2, personalizeQuota: 1 }, async (environment, sfn) => {
      // Prepare
      await environment.upload('manual/users.jsonl', '{"userId":"user-001"}\n');
      const input = { inputPath: `s3://${environment.bucket}/manual/users.jsonl` };

      // Act
      const arns = await startRuns(environment, sfn, ['run-a', 'run-b'], input);
      await (environment.clock as VirtualClock).sleep(120_000);
      const slots = slotsOf(environment);
      const heldMeanwhile = (await slots.holders()).map((holder) => holder.runId);
      const waitingMeanwhile = (await slots.waiters()).map((waiter) => waiter.runId);
      const runs = await Promise.all(arns.map((arn) => environment.stepFunctions.waitForExecution(arn)));

      // Assess: B gave its slot back and waited (no retry storm), then started once A's job ended.
      expect(heldMeanwhile).toEqual(['run-a']);
      expect(waitingMeanwhile).toEqual(['run-b']);
      expect(runs.map((run) => run.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
      expect(environment.personalize.requestCounts().CreateBatchInferenceJob).toBe(3);
      expect(await environment.getRunRecord('run-b')).toMatchObject({ capacityAttempts: 1 });
    });
  }, 60_000);
});
