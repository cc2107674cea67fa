import { recordRun } from '../../src/use-cases/record-run';
import { executionRef, FakeRunsStore, pollState, runContext, verifiedOutput } from '../support/sample-run';

describe('recordRun', () => {
  it('writes the record under the run id with the injected clock', async () => {
    // Prepare
    const store = new FakeRunsStore();
    const now = () => Date.parse('2026-01-15T12:00:00.000Z');

    // Act
    const record = await recordRun(
      { execution: executionRef('run-1'), state: { run: runContext({ runId: 'run-1' }), poll: pollState({ status: 'ACTIVE' }), verification: verifiedOutput() } },
      { store, now },
    );

    // Assess
    expect(store.records.get('run-1')).toEqual(record);
    expect(record).toMatchObject({ runId: 'run-1', status: 'SUCCEEDED', completedAt: '2026-01-15T12:00:00.000Z' });
  });

  it('overwrites the record when a retried step writes it again', async () => {
    // Prepare
    const store = new FakeRunsStore();
    const request = { execution: executionRef('run-1'), state: { error: { Error: 'States.Timeout', Cause: 'timed out' } } };

    // Act
    await recordRun(request, { store, now: () => 1000 });
    await recordRun(request, { store, now: () => 2000 });

    // Assess
    expect(store.records.size).toBe(1);
    expect(store.records.get('run-1')?.completedAt).toBe(new Date(2000).toISOString());
  });

  it('sets expiresAt in epoch seconds from the retention days, for the table TTL', async () => {
    // Prepare
    const store = new FakeRunsStore();
    const completedAt = Date.parse('2026-01-15T12:00:00.000Z');

    // Act
    const record = await recordRun(
      { execution: executionRef('run-2'), state: {} },
      { store, now: () => completedAt, retentionDays: 30 },
    );

    // Assess
    expect(record.expiresAt).toBe(completedAt / 1000 + 30 * 86_400);
  });

  it.each([0, undefined])('keeps the record forever when retention is %s', async (retentionDays) => {
    const record = await recordRun(
      { execution: executionRef('run-3'), state: {} },
      { store: new FakeRunsStore(), now: () => 0, retentionDays },
    );
    expect(record).not.toHaveProperty('expiresAt');
  });
});
