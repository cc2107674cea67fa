import { GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import definition from '../statemachine/batch-inference.asl.json';
import { DEFAULT_CAPACITY_POLICY } from '../src/domain/capacity-policy';
import { DEFAULT_POLLING_POLICY } from '../src/domain/polling-policy';
import { VirtualClock } from '../src/local/clock';
import { LOCAL_CREDENTIALS } from '../src/local/local-aws';
import { startLocalEnvironment } from '../src/local/local-environment';
import type { ExecutionSnapshot } from '../src/local/step-functions';
import { modelSlotQueue, type ModelledRun } from './slot-queue-model';

export interface SlotQueueCheck {
  runs: number;
  slots: number;
  jobMs: number;
  executions: ExecutionSnapshot[];
  /** Per run: the seconds its Wait states asked for (SecondsPath read from each Wait's input). */
  waitSeconds: number[];
  /** Per run: execution stop minus start, in seconds. */
  elapsedSeconds: number[];
  /** Per run: the record's completedAt minus startedAt, in seconds. */
  recordedSeconds: number[];
  capacityAttempts: number[];
  /** Start of every execution minus the common start, in ms (0 when they all started together). */
  startOffsetsMs: number[];
  /** Finish of the last run minus the common start, in virtual ms. */
  makespanMs: number;
  model: { runs: ModelledRun[]; makespanMs: number };
  realMs: number;
}

const MAX_QUEUE_SECONDS = 24 * 3600;

/**
 * Starts `runs` executions at one virtual instant on an account with `slots` job slots and jobs of
 * `jobMs`, through the real SFN client and the whole local environment, and returns what each run
 * recorded beside what the slot-queue model (same domain policies) predicts. Shared by the jest test
 * (a small count) and `npm run bench` (50 runs on 5 slots).
 */
export async function checkSlotQueue(options: { runs: number; slots: number; jobMs?: number }): Promise<SlotQueueCheck> {
  const { runs, slots } = options;
  const jobMs = options.jobMs ?? 3_600_000;
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
    const t0 = clock.now();
    const input = JSON.stringify({ inputPath: `s3://${environment.bucket}/manual/users.jsonl`, maxQueueSeconds: MAX_QUEUE_SECONDS });
    // The clock holds while the starts are in flight: every run starts at t0.
    const arns = await clock.track(() =>
      Promise.all(
        Array.from({ length: runs }, async (_, index) => {
          const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: environment.stateMachineArn, name: `slot-run-${index}`, input }));
          return started.executionArn ?? '';
        }),
      ),
    );
    const executions = await Promise.all(arns.map((arn) => environment.stepFunctions.waitForExecution(arn)));
    const records = await Promise.all(executions.map((execution) => environment.getRunRecord(execution.name)));
    const waitSeconds = await Promise.all(arns.map(async (arn) => sumOfWaits(await historyOf(sfn, arn))));
    return {
      runs,
      slots,
      jobMs,
      executions,
      waitSeconds,
      elapsedSeconds: executions.map((execution) => ((execution.stopDate?.getTime() ?? Number.NaN) - execution.startDate.getTime()) / 1000),
      recordedSeconds: records.map((record) => (Date.parse(record?.completedAt ?? '') - Date.parse(record?.startedAt ?? '')) / 1000),
      capacityAttempts: records.map((record) => record?.capacityAttempts ?? 0),
      startOffsetsMs: executions.map((execution) => execution.startDate.getTime() - t0),
      makespanMs: Math.max(...executions.map((execution) => (execution.stopDate?.getTime() ?? Number.NaN) - t0)),
      model: modelSlotQueue({
        runs,
        slots,
        jobMs,
        polling: DEFAULT_POLLING_POLICY,
        capacity: { ...DEFAULT_CAPACITY_POLICY, maxQueueSeconds: MAX_QUEUE_SECONDS },
        random: () => 0.5,
      }),
      realMs: Date.now() - realStart,
    };
  } finally {
    sfn.destroy();
    await environment.close();
  }
}

const waitPaths = Object.fromEntries(
  Object.entries(definition.States as Record<string, { Type: string; SecondsPath?: string }>)
    .filter(([, state]) => state.Type === 'Wait')
    .map(([name, state]) => [name, state.SecondsPath ?? '']),
);

/** The seconds the run's Wait states asked for: each one's SecondsPath read from its input. */
function sumOfWaits(history: HistoryEvent[]): number {
  let total = 0;
  for (const event of history) {
    if (event.type !== 'WaitStateEntered') continue;
    const path = waitPaths[event.stateEnteredEventDetails?.name ?? ''] ?? '';
    let value: unknown = JSON.parse(event.stateEnteredEventDetails?.input ?? 'null');
    for (const key of path.slice(2).split('.')) value = (value as Record<string, unknown> | null)?.[key];
    total += typeof value === 'number' ? value : Number.NaN;
  }
  return total;
}

async function historyOf(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}
