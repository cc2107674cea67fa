import { describeSchemaIssues } from '../../src/domain/schema-issues';
import {
  executionNameForSchedule,
  isScheduledRuleEvent,
  isScheduleInvocation,
  ScheduleInvocationSchema,
} from '../../src/domain/schedule-event';
import scheduledRuleEvent from '../fixtures/scheduled-rule-event.json';
import schedulerInvocation from '../fixtures/scheduler-invocation.json';

const TICK = '2026-11-28T02:00:00Z';
/** The characters AWS recommends for execution names so CloudWatch can show them. */
const SAFE_EXECUTION_NAME_PATTERN = /^[0-9A-Za-z_-]+$/;
const withSchedule = (schedule: Record<string, unknown>) => ({ schedule: { ...schedulerInvocation.schedule, ...schedule } });

function issuesOf(payload: unknown): string[] {
  const result = ScheduleInvocationSchema.safeParse(payload);
  if (result.success) throw new Error(`ScheduleInvocationSchema accepted ${JSON.stringify(payload)}`);
  return describeSchemaIssues(result.error, payload).map((issue) => `${issue.field}: ${issue.message}`);
}

describe('ScheduleInvocationSchema', () => {
  it('accepts the payload Scheduler sends for a schedule in schedules.json', () => {
    // Act
    const parsed = ScheduleInvocationSchema.parse(structuredClone(schedulerInvocation));

    // Assess
    expect(parsed).toEqual({
      schedule: { name: 'nightly-example', scheduledTime: TICK, jobGroup: 'users', inputKey: 'scheduled/users/nightly.jsonl' },
    });
  });

  it('accepts a schedule with a full inputPath and no job group', () => {
    // Act & Assess
    expect(() => ScheduleInvocationSchema.parse({ schedule: { name: 'feed.v2_daily', scheduledTime: TICK, inputPath: 's3://b/k/' } })).not.toThrow();
  });

  it.each([
    ['name', 'schedule.name'],
    ['scheduledTime', 'schedule.scheduledTime'],
  ])('refuses a payload without %s', (member, path) => {
    // Prepare
    const payload = structuredClone(schedulerInvocation) as { schedule: Record<string, unknown> };
    delete payload.schedule[member];

    // Act & Assess
    expect(issuesOf(payload).map((issue) => issue.split(':')[0])).toContain(path);
  });

  it('refuses a payload naming both inputKey and inputPath', () => {
    // Act & Assess
    expect(issuesOf(withSchedule({ inputPath: 's3://b/k.jsonl' }))).toContain('schedule: needs exactly one of inputPath and inputKey');
  });

  it('refuses a payload naming neither inputKey nor inputPath', () => {
    // Act & Assess
    expect(issuesOf({ schedule: { name: 'nightly-example', scheduledTime: TICK } })).toContain('schedule: needs exactly one of inputPath and inputKey');
  });

  it.each([['not-a-time'], ['<aws.scheduler.scheduled-time>'], ['']])('refuses the scheduled time %p', (scheduledTime) => {
    // Act & Assess
    expect(issuesOf(withSchedule({ scheduledTime }))).toEqual(['schedule.scheduledTime: must be an ISO 8601 time']);
  });

  it.each([['nightly example'], ['nightly/users'], [''], ['n'.repeat(65)]])('refuses the schedule name %p', (name) => {
    // Act & Assess
    expect(issuesOf(withSchedule({ name }))).toEqual(['schedule.name: must be 1-64 letters, digits, "-", "_" or "."']);
  });

  it('refuses unknown members in and around the schedule', () => {
    // Act & Assess
    expect(issuesOf({ ...withSchedule({ colour: 'red' }) }).join('; ')).toContain('colour');
    expect(issuesOf({ ...structuredClone(schedulerInvocation), extra: 1 }).join('; ')).toContain('extra');
  });
});

describe('isScheduleInvocation and isScheduledRuleEvent', () => {
  it('tells a Scheduler payload from a scheduled rule’s raw event', () => {
    // Act & Assess
    expect(isScheduleInvocation(schedulerInvocation)).toBe(true);
    expect(isScheduledRuleEvent(schedulerInvocation)).toBe(false);
    expect(isScheduleInvocation(scheduledRuleEvent)).toBe(false);
    expect(isScheduledRuleEvent(scheduledRuleEvent)).toBe(true);
  });

  it('does not take other events for scheduled rule events', () => {
    // Act & Assess
    expect(isScheduledRuleEvent({ ...scheduledRuleEvent, source: 'aws.s3' })).toBe(false);
    expect(isScheduledRuleEvent({ ...scheduledRuleEvent, 'detail-type': 'Object Created' })).toBe(false);
    expect(isScheduledRuleEvent(null)).toBe(false);
    expect(isScheduleInvocation(null)).toBe(false);
  });
});

describe('executionNameForSchedule', () => {
  it('names the run after the schedule and its tick', () => {
    // Act & Assess
    expect(executionNameForSchedule('nightly-example', TICK)).toBe('schedule-nightly-example-20261128T020000Z');
  });

  it('gives the same name for the same tick however the time is written', () => {
    // Act
    const names = [TICK, '2026-11-28T02:00:00.000Z', '2026-11-28T03:00:00+01:00'].map((time) => executionNameForSchedule('nightly-example', time));

    // Assess
    expect(new Set(names)).toEqual(new Set(['schedule-nightly-example-20261128T020000Z']));
  });

  it('gives different names to different ticks and to different schedules', () => {
    // Act
    const names = [
      executionNameForSchedule('nightly-example', TICK),
      executionNameForSchedule('nightly-example', '2026-11-29T02:00:00Z'),
      executionNameForSchedule('nightly-example', '2026-11-28T02:00:01Z'),
      executionNameForSchedule('nightly-other', TICK),
    ];

    // Assess
    expect(new Set(names).size).toBe(names.length);
  });

  it.each([
    ['a name with dots', 'feed.v2.daily'],
    ['a 64-character name', 'n'.repeat(64)],
    ['a 64-character name with dots', `${'a.'.repeat(32)}`],
    ['a name that is all dots', '...'],
  ])('keeps %s within 80 safe characters', (_label, name) => {
    // Act
    const executionName = executionNameForSchedule(name, TICK);

    // Assess
    expect(executionName.length).toBeLessThanOrEqual(80);
    expect(executionName).toMatch(SAFE_EXECUTION_NAME_PATTERN);
    expect(executionName).toMatch(/^schedule-.*-20261128T020000Z$/);
    expect(executionNameForSchedule(name, TICK)).toBe(executionName);
  });

  it('hashes a cleaned-up name so it cannot collide with the name it was cleaned into', () => {
    // Act
    const dotted = executionNameForSchedule('feed.v2', TICK);
    const dashed = executionNameForSchedule('feed-v2', TICK);

    // Assess
    expect(dashed).toBe('schedule-feed-v2-20261128T020000Z');
    expect(dotted).toMatch(/^schedule-feed-v2-[0-9a-f]{8}-20261128T020000Z$/);
    expect(dotted).not.toBe(dashed);
  });

  it('hashes shortened names so long names sharing a prefix stay apart', () => {
    // Act
    const first = executionNameForSchedule(`${'n'.repeat(60)}-a`, TICK);
    const second = executionNameForSchedule(`${'n'.repeat(60)}-b`, TICK);

    // Assess
    expect(first).not.toBe(second);
    expect(first.length).toBeLessThanOrEqual(80);
    expect(second.length).toBeLessThanOrEqual(80);
  });

  it('keeps a name that fits exactly without a hash', () => {
    // Prepare: 80 - "schedule-" - "-" - 16-character stamp leaves 54 characters.
    const name = 'n'.repeat(54);

    // Act
    const executionName = executionNameForSchedule(name, TICK);

    // Assess
    expect(executionName).toBe(`schedule-${name}-20261128T020000Z`);
    expect(executionName).toHaveLength(80);
  });
});
