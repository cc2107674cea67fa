import { closingRecordFor, type ExecutionStatusChangeEvent } from '../../src/domain/closed-execution';
import { recordClosedExecution } from '../../src/use-cases/record-closed-execution';
import type { ClosedRunRecord, OpenRunCloser } from '../../src/use-cases/ports';
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
  class FakeRuns implements OpenRunCloser {
    readonly closed: ClosingRecord[] = [];
    constructor(private readonly open: boolean) {}
    async closeIfOpen(record: ClosingRecord): Promise<ClosedRunRecord | undefined> {
      this.closed.push(record);
      // What the table holds after the write: the trigger's and start step's fields, and the closing ones.
      return this.open ? { ...record, jobGroup: 'users', jobArn: 'arn:aws:personalize:us-east-1:123456789012:batch-inference-job/j', capacityAttempts: 2, queuedSeconds: 90 } : undefined;
    }
  }

  it('closes a run whose record is still open', async () => {
    const runs = new FakeRuns(true);

    const result = await recordClosedExecution(statusChange('TIMED_OUT'), { runs, now: () => STOP });

    expect(result).toEqual({
      runId: 'run-1',
      written: true,
      status: 'TIMED_OUT',
      // What the run had reached, for its metrics.
      closed: { jobGroup: 'users', jobArn: 'arn:aws:personalize:us-east-1:123456789012:batch-inference-job/j', queuedSeconds: 90 },
    });
    expect(runs.closed).toHaveLength(1);
  });

  it('reports that a run which recorded its own outcome was left alone', async () => {
    const result = await recordClosedExecution(statusChange('FAILED'), { runs: new FakeRuns(false), now: () => STOP });
    expect(result).toEqual({ runId: 'run-1', written: false, status: 'FAILED' });
  });

  it('does not touch the table for a successful execution', async () => {
    const runs = new FakeRuns(true);
    const result = await recordClosedExecution(statusChange('SUCCEEDED'), { runs, now: () => STOP });
    expect(result).toEqual({ runId: 'run-1', written: false });
    expect(runs.closed).toHaveLength(0);
  });
});
