import type { Executions, ObjectExistence, RunLedger } from './ports';
import { executionNameForS3Object, shortHash } from '../domain/naming';
import { describeSchemaIssues } from '../domain/schema-issues';
import { selectUploadedObjects, type IgnoredRecord, type UploadedObject, type UploadEvent, type UploadFilter } from '../domain/s3-event';
import {
  executionNameForSchedule,
  isScheduledRuleEvent,
  isScheduleInvocation,
  ScheduleInvocationSchema,
} from '../domain/schedule-event';
import { runInputForSchedule, runInputForUpload, type TriggeredRunInput } from '../domain/triggered-run-input';

export interface TriggerDependencies {
  executions: Executions;
  objects: ObjectExistence;
  ledger: RunLedger;
  filter: UploadFilter;
  /** The data bucket, for schedules that name an `inputKey`. */
  dataBucket: string;
  now: () => number;
  log: {
    info(message: string, details: Record<string, unknown>): void;
  };
}

export interface TriggerSummary {
  started: Array<{ key?: string; schedule?: string; executionName: string; executionArn: string }>;
  duplicates: Array<{ key?: string; schedule?: string; executionName: string }>;
  ignored: IgnoredRecord[];
  rejected: Array<{ runId: string; reason: string }>;
}

export type TriggerEvent = UploadEvent | { schedule: unknown };

/** Entry point of the trigger: uploads (S3 or EventBridge) and schedule ticks. */
export async function trigger(event: TriggerEvent, deps: TriggerDependencies): Promise<TriggerSummary> {
  if (isScheduleInvocation(event) || isScheduledRuleEvent(event)) return startScheduledRun(event, deps);
  return startRunsForUploads(event as UploadEvent, deps);
}

/**
 * Turns one upload notification into state machine executions, one per uploaded input file.
 *
 * Primary course: pick the object-created records under the input prefix with an input suffix,
 * name each execution after the object's identity, start it and record it as accepted.
 * Alternate course: S3 redelivered the event and the execution already exists; that is the same
 * run, so it counts as a duplicate delivery on the run's record and nothing new starts. Any other
 * StartExecution error is thrown so Lambda's async retry delivers the event again; the names keep
 * that retry safe.
 */
async function startRunsForUploads(event: UploadEvent, deps: TriggerDependencies): Promise<TriggerSummary> {
  const selected = selectUploadedObjects(event, deps.filter);
  const summary = emptySummary();
  summary.ignored.push(...selected.ignored);
  const objects: UploadedObject[] = [];
  for (const candidate of selected.objects) {
    const resolved = await resolveKey(candidate, deps.objects);
    if (resolved) objects.push(resolved);
    else summary.ignored.push({ key: candidate.key, reason: 'object no longer exists under the key in the event (nor its decoded form)' });
  }
  for (const skipped of summary.ignored) deps.log.info('Ignoring S3 record', { ...skipped });

  for (const object of objects) {
    await startOne(executionNameForS3Object(object), runInputForUpload(object), { key: object.key }, deps, summary);
  }
  return summary;
}

/**
 * Starts the run for one schedule tick. Scheduler retries a tick with the same scheduled time, so
 * the execution name repeats and a retried delivery starts nothing new. A payload that cannot name
 * its run is rejected and recorded, never silently dropped.
 */
async function startScheduledRun(event: unknown, deps: TriggerDependencies): Promise<TriggerSummary> {
  const summary = emptySummary();
  const at = new Date(deps.now()).toISOString();
  if (isScheduledRuleEvent(event)) {
    const rule = event.resources[0]?.split('/').pop() ?? 'unknown-rule';
    const runId = executionNameForSchedule(`rule-${rule}`, event.time);
    const reason =
      `Scheduled rule ${rule} sent its raw event; give the rule an input transformer that sends ` +
      '{"schedule":{"name":…,"scheduledTime":"<time>","inputPath" or "inputKey":…}} (see the README).';
    await reject(runId, reason, { type: 'schedule', rule, scheduledTime: event.time }, at, deps, summary);
    return summary;
  }
  const parsed = ScheduleInvocationSchema.safeParse(event);
  if (!parsed.success) {
    const issues = describeSchemaIssues(parsed.error, event);
    const reason = `Invalid schedule payload: ${issues.map((issue) => `${issue.field || '(root)'}: ${issue.message}`).join('; ')}`;
    await reject(`schedule-invalid-${shortHash(JSON.stringify(event))}`, reason, { type: 'schedule', payload: event }, at, deps, summary);
    return summary;
  }
  const { schedule } = parsed.data;
  const input = runInputForSchedule(schedule, deps.dataBucket);
  await startOne(executionNameForSchedule(schedule.name, schedule.scheduledTime), input, { schedule: schedule.name }, deps, summary);
  return summary;
}

async function startOne(
  executionName: string,
  input: TriggeredRunInput,
  label: { key?: string; schedule?: string },
  deps: TriggerDependencies,
  summary: TriggerSummary,
): Promise<void> {
  // The delivery is accepted before the execution starts: `acceptedAt` ≤ the execution's start
  // time (the record's `startedAt`), both on one clock in local mode.
  const at = new Date(deps.now()).toISOString();
  const result = await deps.executions.start({ name: executionName, input });
  if (result.started) {
    // A repeat of a running execution's start gets the same answer, so the ledger says which
    // delivery started the run: the first to record an acceptance. Not "deliveries === 1": a
    // redelivery that found the run already closed may be counted before this delivery records itself.
    const { first, deliveries } = await deps.ledger.accepted({
      runId: executionName,
      executionArn: result.executionArn,
      inputPath: input.inputPath,
      source: input.source,
      at,
    });
    if (first) {
      deps.log.info('Started run', { ...label, executionName, executionArn: result.executionArn });
      summary.started.push({ ...label, executionName, executionArn: result.executionArn });
    } else {
      deps.log.info('Run already started by an earlier delivery; not starting another', { ...label, executionName, deliveries });
      summary.duplicates.push({ ...label, executionName });
    }
  } else {
    await deps.ledger.duplicate({ runId: executionName, at });
    deps.log.info('Already has a run; not starting another', { ...label, executionName });
    summary.duplicates.push({ ...label, executionName });
  }
}

async function reject(
  runId: string,
  reason: string,
  source: Record<string, unknown>,
  at: string,
  deps: TriggerDependencies,
  summary: TriggerSummary,
): Promise<void> {
  await deps.ledger.rejected({ runId, reason, source, at });
  deps.log.info('Rejected trigger', { runId, reason });
  summary.rejected.push({ runId, reason });
}

function emptySummary(): TriggerSummary {
  return { started: [], duplicates: [], ignored: [], rejected: [] };
}

async function resolveKey(object: UploadedObject, existence: ObjectExistence): Promise<UploadedObject | undefined> {
  if (object.alternativeKey === undefined) return object;
  const { alternativeKey, ...rest } = object;
  if (await existence.exists(object.bucket, object.key)) return rest;
  if (await existence.exists(object.bucket, alternativeKey)) return { ...rest, key: alternativeKey };
  return undefined;
}
