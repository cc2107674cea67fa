import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { loadSchedules, SCHEDULED_TIME_PLACEHOLDER, schedulerInput, type ScheduleEntry } from '../../resources/schedules-file';
import { ScheduleInvocationSchema } from '../domain/schedule-event';
import { LOCAL_CREDENTIALS } from '../local/local-aws';
import { LOCAL_STAGE } from '../local/local-stage';
import { SERVICE_NAME } from '../middleware/handler-kit';
import type { TriggerSummary } from '../use-cases/trigger';
import { LOCAL_STATE_FILE, NoLocalEnvironmentError, readLocalState } from './local-state';

export interface FireScheduleOptions {
  scheduleName: string;
  /** `--time`: the tick to fire, any ISO 8601 time; by default the current minute. */
  time?: string | undefined;
  /** By default `schedules.json` in `cwd`. */
  schedulesFile?: string | undefined;
  /** Where `schedules.json` and `.personalize-batch/local.json` are looked for; the current directory by default. */
  cwd?: string;
  now?: () => Date;
  print: (line: string) => void;
}

/** The deployed trigger's name: what EventBridge Scheduler targets in AWS. */
export const LOCAL_TRIGGER_FUNCTION_NAME = `${SERVICE_NAME}-${LOCAL_STAGE}-trigger`;
export { SCHEDULED_TIME_PLACEHOLDER, type ScheduleEntry };

/**
 * `personalize-batch local fire-schedule <name>`: one tick of a schedule from schedules.json, sent to
 * the running local environment's trigger through Lambda's Invoke API, with the payload
 * EventBridge Scheduler would send. The same tick fired twice is one run: the trigger names the
 * execution after the schedule and the time, as it does for Scheduler's retries.
 * Returns the exit code: 0 when the tick has its run (started now or before), 1 otherwise.
 */
export async function fireScheduleCommand(options: FireScheduleOptions): Promise<number> {
  const { print } = options;
  const cwd = options.cwd ?? process.cwd();
  const schedulesFile = options.schedulesFile ?? join(cwd, 'schedules.json');
  const schedule = findSchedule(loadSchedules(schedulesFile), options.scheduleName, schedulesFile);
  const scheduledTime = scheduledTimeFor(options.time, (options.now ?? (() => new Date()))());
  const payload = schedulerPayload(schedule, scheduledTime);
  const state = await readLocalState(cwd);

  const disabled = schedule.enabled === false ? ' (disabled in the schedules file: deployed, it would not fire on its own)' : '';
  print(`Firing schedule ${schedule.name} for ${scheduledTime}${disabled}`);
  print(`Payload: ${payload}`);
  const lambda = new LambdaClient({ endpoint: state.endpoints.lambda, region: state.region, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  try {
    const response = await lambda
      .send(new InvokeCommand({ FunctionName: LOCAL_TRIGGER_FUNCTION_NAME, Payload: payload }))
      .catch((error: unknown) => {
        throw (error as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? new NoLocalEnvironmentError(`nothing answers at ${state.endpoints.lambda}; ${LOCAL_STATE_FILE} was left by one that stopped`) : error;
      });
    const result: unknown = JSON.parse(new TextDecoder().decode(response.Payload ?? new Uint8Array()) || 'null');
    if (response.FunctionError) {
      const { errorType, errorMessage } = (result ?? {}) as { errorType?: string; errorMessage?: string };
      print(`✘ The trigger failed: ${errorType ?? response.FunctionError}: ${errorMessage ?? ''}`.trimEnd());
      return 1;
    }
    return printSummary(result as TriggerSummary, print);
  } finally {
    lambda.destroy();
  }
}

function findSchedule(schedules: ScheduleEntry[], name: string, path: string): ScheduleEntry {
  const schedule = schedules.find((candidate) => candidate.name === name);
  if (schedule) return schedule;
  const known = schedules.length > 0 ? `known schedules: ${schedules.map((candidate) => candidate.name).join(', ')}` : 'it has no schedules';
  throw new Error(`Unknown schedule "${name}" in ${path}; ${known}`);
}

/**
 * Scheduler's `<aws.scheduler.scheduled-time>` is UTC ISO 8601 without milliseconds, and a cron
 * tick falls on a whole minute: that is the default. `--time` is normalized the same way, so two
 * spellings of one instant are one tick.
 */
export function scheduledTimeFor(time: string | undefined, now: Date): string {
  const instant = time === undefined ? Math.floor(now.getTime() / 60_000) * 60_000 : Date.parse(time);
  if (Number.isNaN(instant)) throw new Error(`--time must be an ISO 8601 time, got ${time}`);
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The Input resources/schedules.js deploys for this schedule, with the time filled in as Scheduler
 * does: a text substitution in the JSON it sends.
 */
export function schedulerPayload(schedule: ScheduleEntry, scheduledTime: string): string {
  const payload = schedulerInput(schedule).split(SCHEDULED_TIME_PLACEHOLDER).join(scheduledTime);
  // The trigger would record a bad payload as a rejected run; say it here, before anything is sent.
  const checked = ScheduleInvocationSchema.safeParse(JSON.parse(payload));
  if (!checked.success) {
    throw new Error(`Schedule ${schedule.name} would send an invalid payload: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  return payload;
}

/** Prints what the trigger did with one invocation; 0 when the event has its run(s), 1 otherwise. */
export function printSummary(summary: TriggerSummary, print: (line: string) => void): number {
  for (const started of summary.started ?? []) {
    print(`✔ Started execution ${started.executionName}`);
    print(`  ${started.executionArn}`);
  }
  for (const duplicate of summary.duplicates ?? []) {
    print(`= Duplicate: this tick already has its run, ${duplicate.executionName}; nothing new was started`);
  }
  for (const rejected of summary.rejected ?? []) print(`✘ Rejected (${rejected.runId}): ${rejected.reason}`);
  const answered = (summary.started?.length ?? 0) + (summary.duplicates?.length ?? 0);
  print(`Trigger summary: ${summary.started?.length ?? 0} started, ${summary.duplicates?.length ?? 0} duplicate, ${summary.rejected?.length ?? 0} rejected`);
  return answered > 0 && (summary.rejected?.length ?? 0) === 0 ? 0 : 1;
}
