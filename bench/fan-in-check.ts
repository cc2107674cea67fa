import { performance } from 'node:perf_hooks';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, paginateListExecutions, SFNClient, StopExecutionCommand, type ExecutionListItem } from '@aws-sdk/client-sfn';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { VirtualClock } from '../src/local/clock';
import { LOCAL_CREDENTIALS } from '../src/local/local-aws';
import { startLocalEnvironment, type LocalEnvironment } from '../src/local/local-environment';
import type { TriggerSummary } from '../src/use-cases/trigger';
import { mixDeliveries, type FanInMix, type FanInSchedule } from './fan-in-schedule';

export interface FanInOptions extends FanInMix {
  /** Objects uploaded to local S3, each delivered once plus its share of the duplicates. */
  objects: number;
  /** Trigger invocations in flight at once (≥ 2 with concurrent duplicates: a twin starts beside its original). */
  inFlight: number;
  /**
   * true (default): every state machine function fails before its handler runs, and its Retry waits
   * on the virtual clock, which the fan-in holds still: the runs start and stay at their first Task,
   * costing this process almost nothing, as executions on AWS cost the trigger nothing. false: the
   * runs go on to their first Wait (staging, CreateBatchInferenceJob, run record writes) in this
   * same process while the deliveries go on.
   */
  holdRuns?: boolean;
  /**
   * After the runs are counted and stopped, deliver every duplicate again (same batching and
   * concurrency): S3 redeliveries that find the run closed (ExecutionAlreadyExists).
   */
  redeliverAfterClose?: boolean;
}

/** One phase of deliveries and what the stand-ins held after it (counts are cumulative over phases). */
export interface FanInPhase {
  schedule: FanInSchedule;
  /** Executions of the state machine, from ListExecutions on the Step Functions stand-in. */
  executionsStarted: number;
  /** Executions beyond the first for one object (an object's key read from each execution's input). */
  duplicatesStarted: number;
  /** Objects uploaded that have no execution at all. */
  objectsWithoutRun: number;
  /** Items in the runs table (DynamoDB Scan). */
  runRecords: number;
  /** The `deliveries` counts of all run records added up: every delivery so far counted once. */
  deliveriesRecorded: number;
  /** Run records whose `deliveries` differs from the number of times their object was delivered so far. */
  recordsWithWrongDeliveries: number;
  /** What the trigger's own summaries said, summed over invocations. */
  summaries: { started: number; duplicates: number; ignored: number };
  /** Invocations that still failed after Lambda's async retries. */
  failedInvocations: number;
  /** First invocation sent → last one answered, real ms. */
  wallMs: number;
  /**
   * CPU time this process used over the same span (user + system, ms): the trigger, the SDK
   * clients and the stand-ins all run here, so it is the whole local cost of the deliveries, and far
   * less sensitive than `wallMs` to other work on a shared machine.
   */
  cpuMs: number;
  /** Each invocation's real duration (Lambda's async retries included), in ms, sorted. */
  invocationMs: number[];
}

export interface FanInResult {
  objects: number;
  fanIn: FanInPhase;
  /** With `redeliverAfterClose`: the duplicates again, once every run had closed. */
  afterClose?: FanInPhase;
}

/**
 * Pushes `objects` uploads plus `duplicates` redeliveries through the trigger of a fresh local
 * environment (real trigger composition, real SDK clients against s3rver, dynalite and the Step
 * Functions stand-in), `inFlight` invocations at a time, then counts what the stand-ins hold and
 * stops the runs. The virtual clock is held for the whole fan-in, so no run closes while deliveries
 * are still arriving and every duplicate meets a running execution; with `holdRuns` the runs also
 * stay at their first Task, so the time measured is the trigger path's.
 *
 * @throws Error when `inFlight` cannot hold a unit of dispatch, or the uploads' notifications are missing.
 */
export async function checkFanIn(options: FanInOptions): Promise<FanInResult> {
  if (options.inFlight < 1 || (options.concurrentDuplicates > 0 && options.inFlight < 2)) {
    throw new Error('inFlight must be at least 1, and 2 with concurrent duplicates (a twin starts beside its original)');
  }
  const holdRuns = options.holdRuns ?? true;
  const environment = await startLocalEnvironment({
    deliverUploads: false,
    ...(holdRuns && { injectFault: (functionKey: string) => (functionKey === 'trigger' ? undefined : 'Lambda.ServiceException') }),
  });
  const clientBase = { region: environment.region, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
  const sfn = new SFNClient({ ...clientBase, endpoint: environment.endpoints.stepFunctions });
  const dynamodb = new DynamoDBClient({ ...clientBase, endpoint: environment.endpoints.dynamodb });
  const standIns: StandIns = { environment, sfn, dynamodb };
  try {
    const originals = await uploadObjects(environment, options.objects);
    const schedule = mixDeliveries(originals, options);
    const hold = <T>(work: () => Promise<T>) => (environment.clock instanceof VirtualClock ? environment.clock.track(work) : work());
    const fanIn = await hold(async () => ({ schedule, ...(await deliver(environment, schedule, options.inFlight)), ...(await count(standIns, schedule.deliveriesByKey)) }));
    // Counted: the runs need not go on. Each is stopped (a few calls at a time, not 1,000 at once)
    // and recorded ABORTED, as `local up` does on Ctrl-C.
    const executions = await listExecutions(sfn, environment.stateMachineArn);
    await mapLimit(executions, 16, (execution) =>
      sfn.send(new StopExecutionCommand({ executionArn: execution.executionArn, error: 'bench.Counted', cause: 'fan-in bench: starts counted' })),
    );
    await environment.stopRunningExecutions('fan-in bench: starts counted');
    if (!options.redeliverAfterClose) return { objects: options.objects, fanIn };

    const again = mixDeliveries(redeliveries(schedule), { ...options, duplicates: 0, concurrentDuplicates: 0, seed: options.seed + 1 });
    const expected = new Map(schedule.deliveriesByKey);
    for (const [key, times] of again.deliveriesByKey) expected.set(key, (expected.get(key) ?? 0) + times);
    const afterClose = { schedule: again, ...(await deliver(environment, again, options.inFlight)), ...(await count(standIns, expected)) };
    return { objects: options.objects, fanIn, afterClose };
  } finally {
    sfn.destroy();
    dynamodb.destroy();
    await environment.close();
  }
}

interface StandIns {
  environment: LocalEnvironment;
  sfn: SFNClient;
  dynamodb: DynamoDBClient;
}

/** What the stand-ins hold: executions (by the object key in their input) and run records, against the deliveries expected per key. */
async function count(
  { environment, sfn, dynamodb }: StandIns,
  deliveriesByKey: Map<string, number>,
): Promise<Pick<FanInPhase, 'executionsStarted' | 'duplicatesStarted' | 'objectsWithoutRun' | 'runRecords' | 'deliveriesRecorded' | 'recordsWithWrongDeliveries'>> {
  const executions = await listExecutions(sfn, environment.stateMachineArn);
  const runsPerKey = countBy(await mapLimit(executions, 16, async (execution) => inputKeyOf(sfn, execution)));
  const records = await scanRuns(dynamodb, environment.runsTable);
  return {
    executionsStarted: executions.length,
    duplicatesStarted: executions.length - runsPerKey.size,
    objectsWithoutRun: [...deliveriesByKey.keys()].filter((key) => !runsPerKey.has(key)).length,
    runRecords: records.length,
    deliveriesRecorded: records.reduce((sum, record) => sum + (typeof record.deliveries === 'number' ? record.deliveries : 0), 0),
    recordsWithWrongDeliveries: records.filter((record) => record.deliveries !== deliveriesByKey.get(sourceKeyOf(record))).length,
  };
}

/** Every delivery of a schedule but the first of each object: its duplicates, to deliver again. */
function redeliveries(schedule: FanInSchedule): S3EventRecord[] {
  const seen = new Set<S3EventRecord>();
  return schedule.units.flat(2).filter((record) => {
    if (seen.has(record)) return true;
    seen.add(record);
    return false;
  });
}

/** Uploads one small JSON Lines input per object; returns S3's notification record for each. */
async function uploadObjects(environment: LocalEnvironment, objects: number): Promise<S3EventRecord[]> {
  const keys = Array.from({ length: objects }, (_, index) => `${environment.inputPrefix}fan-in/object-${String(index).padStart(5, '0')}.jsonl`);
  await mapLimit(keys, 16, (key, index) => environment.upload(key, `${JSON.stringify({ userId: `user-${index}` })}\n`));
  const records = environment.notifications().flatMap((event: S3Event) => event.Records);
  if (records.length !== objects) throw new Error(`expected ${objects} notifications, got ${records.length}`);
  return records;
}

async function deliver(
  environment: LocalEnvironment,
  schedule: FanInSchedule,
  inFlight: number,
): Promise<Pick<FanInPhase, 'summaries' | 'failedInvocations' | 'wallMs' | 'cpuMs' | 'invocationMs'>> {
  const summaries: TriggerSummary[] = [];
  const invocationMs: number[] = [];
  let failedInvocations = 0;
  const invoke = async (records: S3EventRecord[]) => {
    const began = performance.now();
    try {
      summaries.push(await environment.deliverS3Event({ Records: records }));
    } catch {
      failedInvocations++;
    } finally {
      invocationMs.push(performance.now() - began);
    }
  };
  const running = new Set<Promise<void>>();
  const began = performance.now();
  const cpuBefore = process.cpuUsage();
  for (const unit of schedule.units) {
    while (running.size > 0 && running.size + unit.length > inFlight) await Promise.race(running);
    // Every invocation of a unit starts in this same tick: a twin is in flight beside its original.
    for (const records of unit) {
      const invocation: Promise<void> = invoke(records).finally(() => running.delete(invocation));
      running.add(invocation);
    }
  }
  await Promise.all(running);
  const wallMs = performance.now() - began;
  const cpu = process.cpuUsage(cpuBefore);
  const sum = (pick: (summary: TriggerSummary) => unknown[]) => summaries.reduce((total, summary) => total + pick(summary).length, 0);
  return {
    summaries: { started: sum((s) => s.started), duplicates: sum((s) => s.duplicates), ignored: sum((s) => s.ignored) },
    failedInvocations,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    invocationMs: invocationMs.sort((a, b) => a - b),
  };
}

async function listExecutions(sfn: SFNClient, stateMachineArn: string): Promise<ExecutionListItem[]> {
  const executions: ExecutionListItem[] = [];
  for await (const page of paginateListExecutions({ client: sfn, pageSize: 1000 }, { stateMachineArn })) executions.push(...(page.executions ?? []));
  return executions;
}

/** The object an execution runs for: `source.key` of the input the trigger started it with. */
async function inputKeyOf(sfn: SFNClient, execution: ExecutionListItem): Promise<string> {
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));
  const input = JSON.parse(described.input ?? '{}') as { source?: { key?: unknown } };
  return typeof input.source?.key === 'string' ? input.source.key : `(no source key: ${execution.name ?? ''})`;
}

async function scanRuns(client: DynamoDBClient, tableName: string): Promise<Array<Record<string, unknown>>> {
  const documents = DynamoDBDocumentClient.from(client);
  const items: Array<Record<string, unknown>> = [];
  for await (const page of paginateScan({ client: documents }, { TableName: tableName, ConsistentRead: true })) items.push(...(page.Items ?? []));
  return items;
}

/** The object a run record is for: the `source.key` the trigger recorded (decoded, as in the execution input). */
function sourceKeyOf(record: Record<string, unknown>): string {
  const source = record.source as { key?: unknown } | undefined;
  return typeof source?.key === 'string' ? source.key : '';
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** Maps with at most `limit` calls in flight; results in input order. */
async function mapLimit<T, R>(items: T[], limit: number, map: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
