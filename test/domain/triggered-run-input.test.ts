import type * as z from 'zod/mini';
import { parseRunInput, type RunInputSchema } from '../../src/domain/run-input';
import { ScheduleInvocationSchema } from '../../src/domain/schedule-event';
import { runInputForSchedule, runInputForUpload, TriggeredRunInputSchema } from '../../src/domain/triggered-run-input';
import schedulerInvocation from '../fixtures/scheduler-invocation.json';
import { DATA_BUCKET } from '../support/sample-run';

/** The compile-time half of the proof: what the trigger builds is assignable to a raw run input. */
type RawRunInput = z.input<typeof RunInputSchema>;

const upload = {
  bucket: DATA_BUCKET,
  key: 'input/users/users 2026-01-15.jsonl',
  size: 2048,
  eTag: 'd41d8cd98f00b204e9800998ecf8427e',
  versionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY',
  sequencer: '0055AED6DCD90281E5',
  eventTime: '2026-01-15T10:00:00.000Z',
};

describe('runInputForUpload', () => {
  it('names the object and carries what S3 reported as the source', () => {
    // Act
    const input = runInputForUpload(upload);

    // Assess
    expect(input).toEqual({ inputPath: `s3://${DATA_BUCKET}/input/users/users 2026-01-15.jsonl`, source: { type: 's3', ...upload } });
  });

  it('leaves out the members S3 did not report', () => {
    // Act
    const input = runInputForUpload({ bucket: DATA_BUCKET, key: 'input/users.jsonl', size: 10 });

    // Assess
    expect(input).toEqual({ inputPath: `s3://${DATA_BUCKET}/input/users.jsonl`, source: { type: 's3', bucket: DATA_BUCKET, key: 'input/users.jsonl', size: 10 } });
    expect(Object.keys(input.source)).toEqual(['type', 'bucket', 'key', 'size']);
  });

  it('builds an input the start step parses as a valid run input', () => {
    // Act
    const input: RawRunInput = runInputForUpload(upload);

    // Assess
    expect(parseRunInput(JSON.parse(JSON.stringify(input)))).toEqual(input);
  });
});

describe('runInputForSchedule', () => {
  const { schedule } = ScheduleInvocationSchema.parse(structuredClone(schedulerInvocation));

  it('turns an inputKey into a URI in the data bucket and passes the job group on', () => {
    // Act
    const input = runInputForSchedule(schedule, DATA_BUCKET);

    // Assess
    expect(input).toEqual({
      inputPath: `s3://${DATA_BUCKET}/scheduled/users/nightly.jsonl`,
      jobGroup: 'users',
      source: { type: 'schedule', name: 'nightly-example', scheduledTime: '2026-11-28T02:00:00Z' },
    });
    expect(Object.keys(input)).toEqual(['inputPath', 'jobGroup', 'source']);
  });

  it('passes a full inputPath through and leaves jobGroup out when the schedule names none', () => {
    // Act
    const input = runInputForSchedule({ name: 'partner-feed', scheduledTime: '2026-11-28T02:00:00Z', inputPath: 's3://partner-exports/users/' }, DATA_BUCKET);

    // Assess
    expect(input).toEqual({ inputPath: 's3://partner-exports/users/', source: { type: 'schedule', name: 'partner-feed', scheduledTime: '2026-11-28T02:00:00Z' } });
  });

  it('builds an input the start step parses as a valid run input', () => {
    // Act
    const input: RawRunInput = runInputForSchedule(schedule, DATA_BUCKET);

    // Assess
    expect(parseRunInput(JSON.parse(JSON.stringify(input)))).toEqual(input);
  });
});

describe('TriggeredRunInputSchema', () => {
  it('refuses a source of another kind and members a run input does not name', () => {
    // Act & Assess
    expect(TriggeredRunInputSchema.safeParse({ inputPath: 's3://b-1/k', source: { type: 'manual' } }).success).toBe(false);
    expect(TriggeredRunInputSchema.safeParse({ inputPath: 's3://b-1/k', source: { type: 'schedule', name: 'n', scheduledTime: 't' }, extra: 1 }).success).toBe(false);
  });

  it('leaves the value checks to the start step, so a bad scheduled path becomes a failed run', () => {
    // Act
    const input = runInputForSchedule({ name: 'bad-path', scheduledTime: '2026-11-28T02:00:00Z', inputPath: 'not-a-uri' }, DATA_BUCKET);

    // Assess
    expect(input.inputPath).toBe('not-a-uri');
    expect(() => parseRunInput(input)).toThrow('inputPath');
  });
});
