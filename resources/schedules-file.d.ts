/** One entry of schedules.json. Unknown members are allowed, and ignored. */
export interface ScheduleEntry {
  /** 1-64 letters, digits, `-`, `_` or `.`; unique even ignoring separators and case. */
  name: string;
  /** `cron(...)`, `rate(...)` or `at(...)`, as EventBridge Scheduler takes it. */
  expression: string;
  description?: string;
  /** IANA time zone of `expression`; UTC by default. */
  timezone?: string;
  jobGroup?: string;
  /** Exactly one of `inputKey` (a key in the data bucket) and `inputPath` (an S3 URI). */
  inputKey?: string;
  inputPath?: string;
  /** `false` deploys the schedule DISABLED. */
  enabled?: unknown;
  [member: string]: unknown;
}

/** The context attribute Scheduler replaces in a target's Input with the tick's time. */
export const SCHEDULED_TIME_PLACEHOLDER: '<aws.scheduler.scheduled-time>';

/**
 * Reads and checks a schedules file as the deployment does.
 *
 * @throws Error `Cannot read schedules file <path>: …` when it is missing or not JSON, or
 * `Invalid schedules file <path>: schedule "<name>": …` naming every problem of the first bad entry.
 */
export function loadSchedules(path: string): ScheduleEntry[];

/** {@link loadSchedules} for an already parsed file; `path` only names it in errors. */
export function checkSchedules(raw: unknown, path: string): ScheduleEntry[];

/** The CloudFormation logical id of a schedule: `Schedule` + its name in PascalCase. */
export function logicalId(name: string): string;

/** The Input (JSON text) Scheduler sends the trigger, with {@link SCHEDULED_TIME_PLACEHOLDER} in it. */
export function schedulerInput(schedule: ScheduleEntry): string;
