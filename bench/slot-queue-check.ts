import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DEFAULT_POLLING_POLICY } from '../src/domain/polling-policy';
import type { RunRecord } from '../src/domain/run';
import { VirtualClock } from '../src/local/clock';
import { LOCAL_CREDENTIALS } from '../src/local/local-aws';
import { startLocalEnvironment } from '../src/local/local-environment';
import type { ExecutionSnapshot } from '../src/local/step-functions';
import { modelSlotQueue, type ModelledRun } from './slot-queue-model';

export interface SlotQueueCheck {
  runs: number;
  slots: number;
  jobMs: number;
  maxQueueSeconds: number;
  /** In arrival order (run i started `i × arrivalGapMs` after the first). */
  executions: ExecutionSnapshot[];
  records: Array<RunRecord | undefined>;
  /** Per run: its job's creation minus the first run's start, in virtual ms (undefined: no job). */
  jobStartMs: Array<number | undefined>;
  /** Pairs of started runs (same priority) whose jobs started in the opposite order to their arrival. */
  inversions: number;
  /** CreateBatchInferenceJob requests Personalize received, refused ones included. */
  createCalls: number;
  /** Finish of the last run minus the first start, in virtual ms. */
  makespanMs: number;
  /** The ideal FIFO semaphore (slot handed on the instant a job ends) on the same arrivals. */
  model: { runs: ModelledRun[]; makespanMs: number };
  realMs: number;
}

/**
 * Starts `runs` executions `arrivalGapMs` apart (virtual time) on an account with `slots` job slots
 * and jobs of `jobMs`, through the real SFN client and the whole local environment (state machine,
 * handlers, DynamoDB job slots table, Personalize stand-in), and returns what each run recorded beside
 * the ideal FIFO semaphore. Shared by the jest test (a small count) and `npm run bench` (50 runs on 5 slots).
 */
export async function checkSlotQueue(options: { runs: number; slots: number; jobMs?: number; maxQueueSeconds?: number; arrivalGapMs?: number }): Promise<SlotQueueCheck> {
  const { runs, slots } = options;
  const jobMs = options.jobMs ?? 3_600_000;
  const gapMs = options.arrivalGapMs ?? 1000;
  const maxQueueSeconds = options.maxQueueSeconds ?? 6 * 3600;
  const realStart = Date.now();
  const environment = await startLocalEnvironment({
    maxConcurrentJobs: slots,
    jobDurations: { pendingMs: 60_000, inProgressMs: jobMs - 60_000 },
    random: () => 0.5,
  });
  const sfn = new SFNClient({ endpoint: environment.endpoints.stepFunctions, region: environment.region, credentials: LOCAL_CREDENTIALS });
  try {
    const clock = environment.clock;
    if (!(clock instanceof VirtualClock)) throw new Error('expected virtual time');
    await environment.upload('manual/users.jsonl', '{"userId":"user-001"}\n');
    await environment.upload('config/backlog.json', '{}');
    const t0 = clock.now();
    // One job group, as a backlog of the same nightly job is: its finished runs place the later runs' status checks.
    const input = JSON.stringify({ inputPath: `s3://${environment.bucket}/manual/users.jsonl`, jobGroup: 'backlog', maxQueueSeconds });
    const arns: string[] = [];
    for (let index = 0; index < runs; index++) {
      if (index > 0) await clock.sleep(Math.max(0, t0 + index * gapMs - clock.now()));
      const name = `slot-run-${String(index).padStart(3, '0')}`;
      const started = await clock.track(() => sfn.send(new StartExecutionCommand({ stateMachineArn: environment.stateMachineArn, name, input })));
      arns.push(started.executionArn ?? '');
    }
    const executions = await Promise.all(arns.map((arn) => environment.stepFunctions.waitForExecution(arn)));
    await environment.closedExecutionsSettled();
    const records = await Promise.all(executions.map((execution) => environment.getRunRecord(execution.name)));
    const jobStartMs = records.map((record) => (record?.jobCreatedAt ? Date.parse(record.jobCreatedAt) - t0 : undefined));
    return {
      runs,
      slots,
      jobMs,
      maxQueueSeconds,
      executions,
      records,
      jobStartMs,
      inversions: countInversions(jobStartMs),
      createCalls: environment.personalize.requestCounts().CreateBatchInferenceJob ?? 0,
      makespanMs: Math.max(...executions.map((execution) => (execution.stopDate?.getTime() ?? Number.NaN) - t0)),
      model: modelSlotQueue({ runs, slots, jobMs, arrivalMs: (run) => run * gapMs, polling: DEFAULT_POLLING_POLICY, maxQueueSeconds }),
      realMs: Date.now() - realStart,
    };
  } finally {
    sfn.destroy();
    await environment.close();
  }
}

/** Pairs i < j (in arrival order) both started where j's job started strictly before i's. */
export function countInversions(startMs: ReadonlyArray<number | undefined>): number {
  let inversions = 0;
  startMs.forEach((first, i) => {
    startMs.slice(i + 1).forEach((second) => {
      if (first !== undefined && second !== undefined && second < first) inversions++;
    });
  });
  return inversions;
}
