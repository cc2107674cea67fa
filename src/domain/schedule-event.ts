import * as z from 'zod/mini';
import { EXECUTION_NAME_MAX_LENGTH, shortHash, toSafeNameSegment } from './naming';

/**
 * What an EventBridge Scheduler schedule sends the trigger. `scheduledTime` is Scheduler's
 * `<aws.scheduler.scheduled-time>`, the same on every retry of one tick, which is what makes the
 * execution name, and so the run, unique per tick.
 */
export const ScheduleInvocationSchema = z.strictObject({
  schedule: z
    .strictObject({
      name: z.string().check(z.regex(/^[0-9a-zA-Z-_.]{1,64}$/, 'must be 1-64 letters, digits, "-", "_" or "."')),
      scheduledTime: z.string().check(z.refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 time')),
      jobGroup: z.optional(z.string()),
      /** A full `s3://bucket/key` input, or... */
      inputPath: z.optional(z.string()),
      /** ...a key in the data bucket. */
      inputKey: z.optional(z.string()),
    })
    .check(z.refine((schedule) => Boolean(schedule.inputPath) !== Boolean(schedule.inputKey), 'needs exactly one of inputPath and inputKey')),
});

export type ScheduleInvocation = z.infer<typeof ScheduleInvocationSchema>;

/** The legacy EventBridge scheduled rule's own event (no input transformer). */
export interface ScheduledRuleEvent {
  'detail-type': 'Scheduled Event';
  source: 'aws.events';
  time: string;
  resources: string[];
}

export function isScheduleInvocation(event: unknown): event is { schedule: unknown } {
  return typeof event === 'object' && event !== null && 'schedule' in event;
}

export function isScheduledRuleEvent(event: unknown): event is ScheduledRuleEvent {
  return (
    typeof event === 'object' &&
    event !== null &&
    (event as Record<string, unknown>)['detail-type'] === 'Scheduled Event' &&
    (event as Record<string, unknown>).source === 'aws.events'
  );
}

/**
 * `schedule-<name>-<yyyymmddThhmmssZ>`: readable in the console, deterministic per tick. A name
 * that had to be shortened or cleaned up gains a hash, so two schedules never share names.
 */
export function executionNameForSchedule(scheduleName: string, scheduledTime: string): string {
  const stamp = new Date(Date.parse(scheduledTime)).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const safe = toSafeNameSegment(scheduleName);
  const room = EXECUTION_NAME_MAX_LENGTH - 'schedule--'.length - stamp.length;
  if (safe === scheduleName && safe.length <= room) return `schedule-${safe}-${stamp}`;
  const hash = shortHash('schedule', scheduleName).slice(0, 8);
  return `schedule-${safe.slice(0, room - hash.length - 1)}-${hash}-${stamp}`;
}
