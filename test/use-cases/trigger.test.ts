import type { S3ObjectCreatedEvent } from '../../src/domain/s3-event';
import { executionNameForSchedule } from '../../src/domain/schedule-event';
import {
  trigger,
  type TriggerEvent,
  type TriggerDependencies,
} from '../../src/use-cases/trigger';
import type { ObjectExistence } from '../../src/use-cases/ports';
import eventBridgeEvent from '../fixtures/eventbridge-object-created-event.json';
import mixedRecordsEvent from '../fixtures/s3-mixed-records-event.json';
import putEvent from '../fixtures/s3-put-event.json';
import testEvent from '../fixtures/s3-test-event.json';
import scheduledRuleEvent from '../fixtures/scheduled-rule-event.json';
import schedulerInvocation from '../fixtures/scheduler-invocation.json';
import { DATA_BUCKET, FakeExecutions, FakeRunLedger, s3Event, STATE_MACHINE_ARN, PUT_FIXTURE_RUN_INPUT } from '../support/sample-run';

const NOW = Date.parse('2026-01-15T10:21:34.000Z');

type LogLine = { message: string; details: Record<string, unknown> };

/** A bucket that holds exactly the given keys, and remembers what it was asked. */
class FakeBucket implements ObjectExistence {
  readonly checked: string[] = [];

  constructor(private readonly keys: string[] = []) {}

  async exists(_bucket: string, key: string): Promise<boolean> {
    this.checked.push(key);
    return this.keys.includes(key);
  }
}

function dependencies(
  executions = new FakeExecutions(),
  objects = new FakeBucket(),
): TriggerDependencies & { executions: FakeExecutions; objects: FakeBucket; ledger: FakeRunLedger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    executions,
    objects,
    ledger: new FakeRunLedger(),
    filter: { inputPrefix: 'input/' },
    dataBucket: DATA_BUCKET,
    now: () => NOW,
    log: { info: (message, details) => lines.push({ message, details }) },
    lines,
  };
}

const executionArnFor = (name: string) => `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${name}`;

describe('trigger: uploads', () => {
  it('starts one execution for an uploaded file with the run input the state machine expects', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const summary = await trigger(s3Event(putEvent), deps);

    // Assess
    expect(deps.executions.requests).toHaveLength(1);
    const request = deps.executions.requests[0]!;
    expect(request.name).toMatch(/^upload-users-2026-01-15-jsonl-[0-9a-f]{16}$/);
    expect(request.input).toEqual(PUT_FIXTURE_RUN_INPUT);
    expect(summary).toEqual({
      started: [
        {
          key: 'input/users 2026-01-15.jsonl',
          executionName: request.name,
          executionArn: `arn:aws:states:us-east-1:123456789012:execution:personalize-batch-dev:${request.name}`,
        },
      ],
      duplicates: [],
      ignored: [],
      rejected: [],
    });
    expect(deps.ledger.entries).toEqual([
      {
        kind: 'accepted',
        entry: {
          runId: request.name,
          executionArn: executionArnFor(request.name),
          inputPath: 's3://personalize-batch-dev-data/input/users 2026-01-15.jsonl',
          source: (request.input as { source: Record<string, unknown> }).source,
          at: new Date(NOW).toISOString(),
        },
      },
    ]);
  });

  it('leaves versionId out of the source for an unversioned bucket', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    await trigger(s3Event(mixedRecordsEvent), deps);

    // Assess
    const source = (deps.executions.requests[0]?.input as { source: Record<string, unknown> }).source;
    expect(source).not.toHaveProperty('versionId');
    expect(source).toHaveProperty('eTag', '6f5902ac237024bdd0c176cb93063dc4');
  });

  it('reports a redelivered event as a duplicate and starts nothing new', async () => {
    // Prepare
    const deps = dependencies();
    const first = await trigger(s3Event(putEvent), deps);

    // Act
    const second = await trigger(s3Event(putEvent), deps);

    // Assess
    expect(deps.executions.requests.map((request) => request.name)).toEqual([first.started[0]?.executionName, first.started[0]?.executionName]);
    expect(second).toEqual({
      started: [],
      duplicates: [{ key: 'input/users 2026-01-15.jsonl', executionName: first.started[0]?.executionName }],
      ignored: [],
      rejected: [],
    });
    expect(deps.ledger.kinds()).toEqual(['accepted', 'duplicate']);
    expect(deps.ledger.entries[1]).toEqual({ kind: 'duplicate', entry: { runId: first.started[0]?.executionName, at: new Date(NOW).toISOString() } });
    expect(deps.lines.at(-1)?.message).toBe('Already has a run; not starting another');
  });

  it('reports a redelivery as a duplicate while the first run is still running', async () => {
    // Prepare
    const deps = dependencies();
    deps.executions.stillRunning = true;
    const first = await trigger(s3Event(putEvent), deps);

    // Act
    const second = await trigger(s3Event(putEvent), deps);

    // Assess
    expect(first.started).toHaveLength(1);
    expect(second.started).toEqual([]);
    expect(second.duplicates).toEqual([{ key: 'input/users 2026-01-15.jsonl', executionName: first.started[0]?.executionName }]);
    expect(deps.ledger.kinds()).toEqual(['accepted', 'accepted']);
  });

  it('reports the delivery that started the run as started when a redelivery that found it closed was counted first', async () => {
    // Prepare: between this delivery's StartExecution and its ledger write, the run closed and a
    // redelivery (ExecutionAlreadyExists) counted itself on the record.
    const deps = dependencies();
    const accepted = deps.ledger.accepted.bind(deps.ledger);
    deps.ledger.accepted = async (entry) => {
      await deps.ledger.duplicate({ runId: entry.runId, at: entry.at });
      return accepted(entry);
    };

    // Act
    const summary = await trigger(s3Event(putEvent), deps);

    // Assess
    expect(summary.started.map((run) => run.executionName)).toEqual([deps.executions.requests[0]?.name]);
    expect(summary.duplicates).toEqual([]);
    expect(deps.ledger.deliveries.get(deps.executions.requests[0]?.name ?? '')).toBe(2);
    expect(deps.lines.at(-1)?.message).toBe('Started run');
  });

  it('starts a new run when the same key is uploaded again', async () => {
    // Prepare
    const deps = dependencies();
    const reupload = s3Event(putEvent);
    reupload.Records[0]!.s3.object.sequencer = '0055AED6DCD90281F0';
    reupload.Records[0]!.s3.object.versionId = 'Lx7oTq1S2nA8.bX3vEXAMPLE';

    // Act
    await trigger(s3Event(putEvent), deps);
    const summary = await trigger(reupload, deps);

    // Assess
    expect(summary.started).toHaveLength(1);
    expect(new Set(deps.executions.requests.map((request) => request.name)).size).toBe(2);
  });

  it('sorts a mixed notification into started, duplicates and ignored', async () => {
    // Prepare
    const executions = new FakeExecutions();
    const deps = dependencies(executions);
    await trigger(s3Event({ Records: [s3Event(mixedRecordsEvent).Records[2]] }), deps);

    // Act
    const summary = await trigger(s3Event(mixedRecordsEvent), deps);

    // Assess
    expect(summary.started.map((entry) => entry.key)).toEqual(['input/weekly users.jsonl', 'input/café résumé.jsonl']);
    expect(summary.duplicates.map((entry) => entry.key)).toEqual(['input/big+batch.jsonl']);
    expect(summary.ignored.map((entry) => entry.reason)).toEqual([
      'event ObjectRemoved:Delete is not an object creation',
      'key is outside the input prefix "input/"',
      'key is a folder marker',
      'object is empty (0 bytes)',
    ]);
    expect(deps.lines.filter((line) => line.message === 'Ignoring S3 record')).toHaveLength(4);
  });

  it('starts nothing for the s3:TestEvent', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const summary = await trigger(structuredClone(testEvent) as unknown as Parameters<typeof trigger>[0], deps);

    // Assess
    expect(deps.executions.requests).toEqual([]);
    expect(summary).toEqual({ started: [], duplicates: [], ignored: [{ reason: 'not an object notification (s3:TestEvent)' }], rejected: [] });
    expect(deps.ledger.entries).toEqual([]);
  });

  it('lets any other StartExecution error through so Lambda retries the event', async () => {
    // Prepare
    const deps = dependencies();
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    deps.executions.failWith = throttled;

    // Act & Assess
    await expect(trigger(s3Event(putEvent), deps)).rejects.toBe(throttled);
    expect(deps.ledger.entries).toEqual([]);
  });

  it('ignores a key without an input suffix, with a reason, when suffixes are configured', async () => {
    // Prepare
    const deps = { ...dependencies(), filter: { inputPrefix: 'input/', inputSuffixes: ['.jsonl', '.json'] } };
    const csv = s3Event(putEvent);
    csv.Records[0]!.s3.object.key = 'input/users+2026-01-15.csv';

    // Act
    const summary = await trigger(csv, deps);

    // Assess
    expect(deps.executions.requests).toEqual([]);
    expect(summary.ignored).toEqual([{ key: 'input/users 2026-01-15.csv', reason: 'key does not end in an input suffix (.jsonl, .json)' }]);
    expect(deps.ledger.entries).toEqual([]);
  });

  it('starts a key with one of the configured input suffixes', async () => {
    // Prepare
    const deps = { ...dependencies(), filter: { inputPrefix: 'input/', inputSuffixes: ['.json', '.jsonl'] } };

    // Act
    const summary = await trigger(s3Event(putEvent), deps);

    // Assess
    expect(summary.started).toHaveLength(1);
  });

  describe('with EventBridge "Object Created" events (existing buckets)', () => {
    const event = eventBridgeEvent as unknown as S3ObjectCreatedEvent;

    it('uses the key as sent when that object exists', async () => {
      const deps = dependencies(new FakeExecutions(), new FakeBucket(['input/users+2026-01-15.jsonl']));

      const summary = await trigger(event, deps);

      expect(summary.started.map((run) => run.key)).toEqual(['input/users+2026-01-15.jsonl']);
      expect(deps.executions.requests[0]?.input).toMatchObject({
        inputPath: 's3://team-data/input/users+2026-01-15.jsonl',
        source: { bucket: 'team-data', versionId: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e', sequencer: '00617F08299329D189' },
      });
    });

    it('falls back to the form-decoded key when only that object exists', async () => {
      const deps = dependencies(new FakeExecutions(), new FakeBucket(['input/users 2026-01-15.jsonl']));

      const summary = await trigger(event, deps);

      expect(summary.started.map((run) => run.key)).toEqual(['input/users 2026-01-15.jsonl']);
      expect(deps.objects.checked).toEqual(['input/users+2026-01-15.jsonl', 'input/users 2026-01-15.jsonl']);
    });

    it('ignores the event, with a reason, when neither spelling exists', async () => {
      const deps = dependencies(new FakeExecutions(), new FakeBucket([]));

      const summary = await trigger(event, deps);

      expect(deps.executions.requests).toHaveLength(0);
      expect(summary.ignored).toEqual([{ key: 'input/users+2026-01-15.jsonl', reason: expect.stringContaining('no longer exists') }]);
    });

    it('does not look the object up when the key has nothing to decode', async () => {
      const plain = { ...event, detail: { ...event.detail, object: { ...event.detail.object, key: 'input/users.jsonl' } } };
      const deps = dependencies();

      const summary = await trigger(plain, deps);

      expect(summary.started).toHaveLength(1);
      expect(deps.objects.checked).toEqual([]);
    });

    it('ignores keys outside the input prefix', async () => {
      const outside = { ...event, detail: { ...event.detail, object: { ...event.detail.object, key: 'other/users.jsonl' } } };
      const summary = await trigger(outside, dependencies());
      expect(summary.started).toHaveLength(0);
      expect(summary.ignored[0]?.reason).toContain('outside the input prefix');
    });
  });
});

describe('trigger with schedule ticks', () => {
  const TICK_NAME = 'schedule-nightly-example-20261128T020000Z';
  const tick = () => structuredClone(schedulerInvocation) as TriggerEvent;

  it('starts the tick’s run under a name derived from the schedule and its scheduled time', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const summary = await trigger(tick(), deps);

    // Assess
    expect(executionNameForSchedule('nightly-example', '2026-11-28T02:00:00Z')).toBe(TICK_NAME);
    const source = { type: 'schedule', name: 'nightly-example', scheduledTime: '2026-11-28T02:00:00Z' };
    expect(deps.executions.requests).toEqual([
      { name: TICK_NAME, input: { inputPath: `s3://${DATA_BUCKET}/scheduled/users/nightly.jsonl`, jobGroup: 'users', source } },
    ]);
    expect(summary).toEqual({
      started: [{ schedule: 'nightly-example', executionName: TICK_NAME, executionArn: executionArnFor(TICK_NAME) }],
      duplicates: [],
      ignored: [],
      rejected: [],
    });
    expect(deps.ledger.entries).toEqual([
      {
        kind: 'accepted',
        entry: {
          runId: TICK_NAME,
          executionArn: executionArnFor(TICK_NAME),
          inputPath: `s3://${DATA_BUCKET}/scheduled/users/nightly.jsonl`,
          source,
          at: new Date(NOW).toISOString(),
        },
      },
    ]);
  });

  it('passes a full inputPath through and leaves jobGroup out when the schedule names none', async () => {
    // Prepare
    const deps = dependencies();
    const event = { schedule: { name: 'partner-feed', scheduledTime: '2026-11-28T02:00:00Z', inputPath: 's3://partner-exports/users/' } };

    // Act
    await trigger(event, deps);

    // Assess
    expect(deps.executions.requests[0]?.input).toEqual({
      inputPath: 's3://partner-exports/users/',
      source: { type: 'schedule', name: 'partner-feed', scheduledTime: '2026-11-28T02:00:00Z' },
    });
  });

  it('counts a retried tick as a duplicate and starts nothing new', async () => {
    // Prepare
    const deps = dependencies();
    await trigger(tick(), deps);

    // Act
    const summary = await trigger(tick(), deps);

    // Assess
    expect(deps.executions.requests.map((request) => request.name)).toEqual([TICK_NAME, TICK_NAME]);
    expect(summary).toEqual({ started: [], duplicates: [{ schedule: 'nightly-example', executionName: TICK_NAME }], ignored: [], rejected: [] });
    expect(deps.ledger.entries.at(-1)).toEqual({ kind: 'duplicate', entry: { runId: TICK_NAME, at: new Date(NOW).toISOString() } });
  });

  it('starts a new run for the next tick of the same schedule', async () => {
    // Prepare
    const deps = dependencies();
    const next = { schedule: { ...schedulerInvocation.schedule, scheduledTime: '2026-11-29T02:00:00Z' } };
    await trigger(tick(), deps);

    // Act
    const summary = await trigger(next, deps);

    // Assess
    expect(summary.started.map((run) => run.executionName)).toEqual(['schedule-nightly-example-20261129T020000Z']);
  });

  it('rejects and records a payload that cannot name its run, starting nothing', async () => {
    // Prepare
    const deps = dependencies();
    const event = { schedule: { name: 'nightly-example', scheduledTime: '<aws.scheduler.scheduled-time>', inputKey: 'scheduled/users/nightly.jsonl' } };

    // Act
    const summary = await trigger(event, deps);

    // Assess
    expect(deps.executions.requests).toEqual([]);
    expect(summary.started).toEqual([]);
    expect(summary.rejected).toEqual([
      { runId: expect.stringMatching(/^schedule-invalid-[0-9a-f]{16}$/), reason: 'Invalid schedule payload: schedule.scheduledTime: must be an ISO 8601 time' },
    ]);
    expect(deps.ledger.entries).toEqual([
      {
        kind: 'rejected',
        entry: { runId: summary.rejected[0]?.runId, reason: summary.rejected[0]?.reason, source: { type: 'schedule', payload: event }, at: new Date(NOW).toISOString() },
      },
    ]);
  });

  it('records a redelivered invalid payload under the same id', async () => {
    // Prepare
    const deps = dependencies();
    const event = { schedule: { name: 'nightly-example', scheduledTime: '2026-11-28T02:00:00Z' } };

    // Act
    const first = await trigger(structuredClone(event), deps);
    const second = await trigger(structuredClone(event), deps);

    // Assess
    expect(first.rejected[0]?.reason).toContain('needs exactly one of inputPath and inputKey');
    expect(second.rejected[0]?.runId).toBe(first.rejected[0]?.runId);
  });

  it('rejects a scheduled rule’s raw event, pointing at the input transformer', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const summary = await trigger(structuredClone(scheduledRuleEvent) as unknown as TriggerEvent, deps);

    // Assess
    expect(deps.executions.requests).toEqual([]);
    expect(summary.rejected).toEqual([{ runId: 'schedule-rule-nightly-users-20261128T030000Z', reason: expect.stringContaining('input transformer') }]);
    expect(summary.rejected[0]?.reason).toContain('nightly-users');
    expect(deps.ledger.entries).toEqual([
      {
        kind: 'rejected',
        entry: {
          runId: 'schedule-rule-nightly-users-20261128T030000Z',
          reason: summary.rejected[0]?.reason,
          source: { type: 'schedule', rule: 'nightly-users', scheduledTime: '2026-11-28T03:00:00Z' },
          at: new Date(NOW).toISOString(),
        },
      },
    ]);
  });

  it('still sends uploads down the upload path', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const summary = await trigger(s3Event(putEvent), deps);

    // Assess
    expect(summary.started.map((run) => run.key)).toEqual(['input/users 2026-01-15.jsonl']);
  });
});
