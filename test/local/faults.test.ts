import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSoak } from '../../bench/soak-run';
import { readConfigFile } from '../../src/cli/local-config';
import { parseFaultPlan, type FaultPlan } from '../../src/local/faults';
import { historyOf, runManually, withLocalEnvironment } from '../support/local-run';

const USERS = ['user-001', 'user-002'].map((userId) => JSON.stringify({ userId })).join('\n');
const QUICK_JOBS = { pendingMs: 30_000, inProgressMs: 30_000 };

async function runWithFaults(faults: FaultPlan, name: string, settings: Record<string, unknown> = {}) {
  let result: { status: string; failures: Array<string | undefined>; record: Record<string, unknown> | undefined; injected: Record<string, number>; jobs: number; elapsedMs: number } | undefined;
  await withLocalEnvironment({ jobDurations: QUICK_JOBS, faults, random: () => 0.5 }, async (environment, sfn) => {
    await environment.upload('manual/users.jsonl', USERS);
    const execution = await runManually(environment, sfn, name, { inputPath: `s3://${environment.bucket}/manual/users.jsonl`, ...settings });
    await environment.closedExecutionsSettled();
    const history = await historyOf(sfn, execution.executionArn);
    result = {
      status: execution.status,
      // A Task past its timeout is TaskTimedOut in AWS history, any other failure TaskFailed.
      failures: history.flatMap((event) =>
        event.type === 'TaskFailed' ? [event.taskFailedEventDetails?.error] : event.type === 'TaskTimedOut' ? [event.taskTimedOutEventDetails?.error] : [],
      ),
      record: (await environment.getRunRecord(name)) as Record<string, unknown> | undefined,
      injected: environment.faultsInjected(),
      jobs: environment.personalize.jobs().length,
      elapsedMs: (execution.stopDate?.getTime() ?? 0) - execution.startDate.getTime(),
    };
  });
  if (!result) throw new Error('no result');
  return result;
}

describe('the fault plan', () => {
  it('is validated with one error naming each wrong field, in a config file too', async () => {
    expect(() => parseFaultPlan({ http: [{ service: 'sqs', error: 'X' }], lambda: [{ function: 'startJob', fault: 'melt' }], colour: 1 })).toThrow(
      /Invalid fault plan: .*faults\.http\.0\.service: .*faults\.lambda\.0\.fault: .*colour/,
    );
    expect(() => parseFaultPlan({ http: [{ service: 's3', error: 'SlowDown', probability: 2 }] })).toThrow(/faults\.http\.0\.probability/);
    const directory = await mkdtemp(join(tmpdir(), 'pbo-faults-'));
    try {
      const file = join(directory, 'config.json');
      await writeFile(file, JSON.stringify({ local: { faults: { jobs: [{ fault: 'stuckPending', calls: [0] }] } } }));
      await expect(readConfigFile(file)).rejects.toThrow(/Invalid config file .*: local\.faults\.jobs\.0\.calls\.0: /);
      await writeFile(file, JSON.stringify({ local: { faults: { seed: 3, http: [{ service: 'dynamodb', operation: 'UpdateItem', error: 'ThrottlingException', calls: [1] }] } } }));
      expect((await readConfigFile(file)).local.faults).toEqual({ seed: 3, http: [{ service: 'dynamodb', operation: 'UpdateItem', error: 'ThrottlingException', calls: [1] }] });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('throttles Personalize: the status check fails PersonalizeBusyError, Step Functions retries it, the run succeeds', async () => {
    const result = await runWithFaults({ http: [{ service: 'personalize', operation: 'DescribeBatchInferenceJob', error: 'ThrottlingException', calls: [1] }] }, 'fault-throttled');
    expect(result.failures).toEqual(['PersonalizeBusyError']);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.injected).toEqual({ 'personalize DescribeBatchInferenceJob ThrottlingException': 1 });
  });

  it('answers 5xx on CreateBatchInferenceJob: the start is retried by the state machine and one job is created', async () => {
    const result = await runWithFaults({ http: [{ service: 'personalize', operation: 'CreateBatchInferenceJob', error: 'InternalFailure', calls: [1] }] }, 'fault-5xx');
    expect(result.failures).toEqual(['InternalFailure']);
    expect(result).toMatchObject({ status: 'SUCCEEDED', jobs: 1 });
  });

  it('keeps a job in CREATE PENDING: the run ends TIMED_OUT with one record', async () => {
    // An hour's guard instead of the default day keeps the polling short.
    const result = await runWithFaults({ jobs: [{ fault: 'stuckPending' }] }, 'fault-stuck', { maxWaitSeconds: 3600 });
    expect(result.record).toMatchObject({ status: 'TIMED_OUT', jobStatus: 'CREATE PENDING' });
  });

  it('makes a job disappear: the run ends FAILED as JobLostError', async () => {
    const result = await runWithFaults({ jobs: [{ fault: 'disappears' }] }, 'fault-gone');
    expect(result.record).toMatchObject({ status: 'FAILED', errorType: 'JobLostError' });
  });

  it('times a Lambda out: States.Timeout after the Task timeout on the clock, then a retry', async () => {
    const result = await runWithFaults({ lambda: [{ function: 'getJobStatus', fault: 'timeout', calls: [1] }] }, 'fault-timeout');
    expect(result.failures).toEqual(['States.Timeout']);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.elapsedMs).toBeGreaterThanOrEqual(120_000);
  });

  it('crashes startJob after CreateBatchInferenceJob succeeded: the retry adopts the job, nothing starts twice', async () => {
    const result = await runWithFaults({ lambda: [{ function: 'startJob', fault: 'crashAfterSideEffect', calls: [1] }] }, 'fault-crash');
    expect(result.failures).toEqual(['Lambda.Unknown']);
    expect(result).toMatchObject({ status: 'SUCCEEDED', jobs: 1, record: expect.objectContaining({ adoptedExistingJob: true }) });
  });

  it('throttles DynamoDB and S3: the SDK clients retry and the run does not notice', async () => {
    const result = await runWithFaults(
      {
        http: [
          { service: 'dynamodb', operation: 'UpdateItem', error: 'ProvisionedThroughputExceededException', calls: [1, 2] },
          { service: 's3', operation: 'CopyObject', error: 'SlowDown', calls: [1] },
        ],
      },
      'fault-sdk-retries',
    );
    expect(result.failures).toEqual([]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.injected).toEqual({ 'dynamodb UpdateItem ProvisionedThroughputExceededException': 2, 's3 CopyObject SlowDown': 1 });
  });

  it('soak: 20 uploads with every kind of fault on end as exactly one final record each, nothing lost or duplicated', async () => {
    const report = await runSoak({ triggers: 20, seed: 7 });

    expect(report).toMatchObject({ triggers: 20, executions: 20, lost: 0, duplicated: 0, recordsPerTrigger: { 1: 20 } });
    expect(Object.keys(report.jobsPerRun).every((count) => Number(count) <= 1)).toBe(true);
    // The faults did happen, of every kind.
    for (const kind of ['job stuckPending', 'job disappears', 'startJob crashAfterSideEffect', 'getJobStatus timeout', 'dynamodb UpdateItem ProvisionedThroughputExceededException']) {
      expect(report.faultsInjected[kind]).toBeGreaterThan(0);
    }
  }, 90_000);
});
