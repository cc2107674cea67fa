import { closingRecordFor, type ExecutionStatusChangeEvent } from '../../src/domain/closed-execution';
import { recordClosedExecution } from '../../src/use-cases/record-closed-execution';
import type { RunEvent, StoredRunRecord } from '../../src/domain/run-event';
import type { ClosedRunRecord, OpenRunCloser, RunEventPublisher, RunRecordReader } from '../../src/use-cases/ports';
import type { ClosingRecord } from '../../src/domain/closed-execution';

const STOP = Date.parse('2026-11-28T03:10:00.000Z');

function statusChange(status: ExecutionStatusChangeEvent['detail']['status'], extra: Partial<ExecutionStatusChangeEvent['detail']> = {}): ExecutionStatusChangeEvent {
  return {
    version: '0',
    id: '315c1398-40ff-a850-213b-158f73e60175',
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: '123456789012',
    time: '2026-11-28T03:10:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:states:us-east-1:123456789012:execution:personalize-batch-orchestrator-dev-batch-inference:run-1'],
    detail: {
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:personalize-batch-orchestrator-dev-batch-inference:run-1',
      stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:personalize-batch-orchestrator-dev-batch-inference',
      name: 'run-1',
      status,
      startDate: STOP - 7 * 86_400_000,
      stopDate: STOP,
      ...extra,
    },
  };
}

describe('closingRecordFor', () => {
  it.each([
    ['TIMED_OUT', 'States.Timeout', /TimeoutSeconds/],
    ['ABORTED', 'ExecutionAborted', /stopped/],
    ['FAILED', 'ExecutionFailed', /execution history/],
  ] as const)('gives a %s execution a final record with a reason', (status, errorType, reason) => {
    // Act
    const record = closingRecordFor(statusChange(status), 0);

    // Assess
    expect(record).toEqual({
      runId: 'run-1',
      executionArn: expect.stringContaining(':execution:'),
      status,
      errorType,
      failureReason: expect.stringMatching(reason),
      completedAt: '2026-11-28T03:10:00.000Z',
      // The execution's own start, as the record step writes it: the record's times stay ordered.
      startedAt: '2026-11-21T03:10:00.000Z',
    });
  });

  it('keeps the error and cause the event carries', () => {
    const record = closingRecordFor(statusChange('FAILED', { error: 'Lambda.ServiceException', cause: 'Service unavailable' }), 0);
    expect(record).toMatchObject({ errorType: 'Lambda.ServiceException', failureReason: 'Service unavailable' });
  });

  it('uses the current time when the event has no stop date', () => {
    const record = closingRecordFor(statusChange('ABORTED', { stopDate: null }), Date.parse('2026-11-28T04:00:00Z'));
    expect(record?.completedAt).toBe('2026-11-28T04:00:00.000Z');
  });

  it.each(['SUCCEEDED', 'RUNNING', 'PENDING_REDRIVE'] as const)('writes nothing for %s, which the state machine records itself', (status) => {
    expect(closingRecordFor(statusChange(status), 0)).toBeUndefined();
  });
});

describe('recordClosedExecution', () => {
  /** The runs table: the record as it stands, closed if still open (as DynamoDbRunsStore.closeIfOpen does). */
  class FakeRuns implements OpenRunCloser, RunRecordReader {
    readonly closed: ClosingRecord[] = [];
    constructor(public record: StoredRunRecord | undefined) {}
    async closeIfOpen(record: ClosingRecord): Promise<ClosedRunRecord | undefined> {
      const open = !this.record || ['ACCEPTED', 'RUNNING', 'WAITING_FOR_CAPACITY'].includes(this.record.status ?? '');
      if (!open) return undefined;
      this.closed.push(record);
      this.record = { ...this.record, ...record };
      return this.record as ClosedRunRecord;
    }
    async get(): Promise<StoredRunRecord | undefined> {
      return this.record;
    }
  }

  class FakePublisher implements RunEventPublisher {
    readonly published: RunEvent[] = [];
    constructor(private readonly failure?: Error) {}
    async publish(event: RunEvent): Promise<void> {
      if (this.failure) throw this.failure;
      this.published.push(event);
    }
  }

  const RUNNING: StoredRunRecord = {
    runId: 'run-1',
    status: 'RUNNING',
    jobArn: 'arn:aws:personalize:us-east-1:123456789012:batch-inference-job/run-1',
    jobGroup: 'users',
    queuedSeconds: 90,
  };

  it('closes a run whose record is still open and publishes the closed record', async () => {
    // Prepare
    const runs = new FakeRuns(RUNNING);
    const bus = new FakePublisher();

    // Act
    const result = await recordClosedExecution(statusChange('TIMED_OUT'), { runs, publishers: [bus], now: () => STOP });

    // Assess
    expect(result).toEqual({
      runId: 'run-1',
      written: true,
      status: 'TIMED_OUT',
      published: 'Batch Inference Run Timed Out',
      // What the run had reached, for its metrics.
      closed: { jobGroup: 'users', jobArn: 'arn:aws:personalize:us-east-1:123456789012:batch-inference-job/run-1', queuedSeconds: 90 },
    });
    expect(runs.closed).toHaveLength(1);
    expect(bus.published).toEqual([
      expect.objectContaining({
        source: 'personalize-batch-orchestrator',
        detailType: 'Batch Inference Run Timed Out',
        detail: expect.objectContaining({ runId: 'run-1', status: 'TIMED_OUT', errorType: 'States.Timeout', jobArn: RUNNING.jobArn }),
      }),
    ]);
  });

  it('leaves a run which recorded its own outcome alone, and publishes that outcome', async () => {
    // Prepare
    const recorded: StoredRunRecord = { runId: 'run-1', status: 'FAILED', errorType: 'OutputRejected', failureReason: '3 of 3 records failed: bad', records: 3, errorRecords: 3 };
    const bus = new FakePublisher();

    // Act
    const result = await recordClosedExecution(statusChange('FAILED'), { runs: new FakeRuns(recorded), publishers: [bus], now: () => STOP });

    // Assess
    expect(result).toEqual({ runId: 'run-1', written: false, status: 'FAILED', published: 'Batch Inference Run Failed' });
    expect(bus.published[0]?.detail).toMatchObject({ status: 'FAILED', errorType: 'OutputRejected', failureReason: '3 of 3 records failed: bad', records: 3, errorRecords: 3 });
  });

  it('publishes a successful execution\'s record to every publisher without writing to the table', async () => {
    // Prepare
    const runs = new FakeRuns({ runId: 'run-1', status: 'SUCCEEDED', outputLocation: 's3://b/output/run-1/users.jsonl.out', records: 10, errorRecords: 1 });
    const bus = new FakePublisher();
    const topic = new FakePublisher();

    // Act
    const result = await recordClosedExecution(statusChange('SUCCEEDED'), { runs, publishers: [bus, topic], now: () => STOP });

    // Assess
    expect(result).toEqual({ runId: 'run-1', written: false, published: 'Batch Inference Run Succeeded' });
    expect(runs.closed).toHaveLength(0);
    expect(bus.published).toEqual(topic.published);
    expect(bus.published[0]?.detail).toMatchObject({ outputLocation: 's3://b/output/run-1/users.jsonl.out', records: 10, errorRecords: 1 });
  });

  it('throws (for Lambda\'s retries) when a publisher fails, after the record is closed', async () => {
    // Prepare
    const runs = new FakeRuns(RUNNING);

    // Act
    const attempt = recordClosedExecution(statusChange('ABORTED'), { runs, publishers: [new FakePublisher(new Error('ThrottlingException'))], now: () => STOP });

    // Assess
    await expect(attempt).rejects.toThrow('ThrottlingException');
    expect(runs.record?.status).toBe('ABORTED');
  });

  it('throws rather than publish a record that is not final', async () => {
    // Prepare: a SUCCEEDED execution whose record step never wrote (not a path the state machine takes).
    const bus = new FakePublisher();

    // Act
    const attempt = recordClosedExecution(statusChange('SUCCEEDED'), { runs: new FakeRuns(RUNNING), publishers: [bus], now: () => STOP });

    // Assess
    await expect(attempt).rejects.toThrow('Run run-1 has no final record to publish (status RUNNING) after its execution closed SUCCEEDED');
    expect(bus.published).toEqual([]);
  });
});
