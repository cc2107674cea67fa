import { MAX_EVENT_REASON_LENGTH, RUN_EVENT_DETAIL_TYPES, runEventFor, runEventSummary } from '../../src/domain/run-event';

const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:personalize-batch-orchestrator-dev-batch-inference:run-1';

describe('runEventFor', () => {
  it.each(Object.entries(RUN_EVENT_DETAIL_TYPES))('names a %s record "%s"', (status, detailType) => {
    expect(runEventFor({ runId: 'run-1', status })).toMatchObject({ source: 'personalize-batch-orchestrator', detailType, detail: { runId: 'run-1', status } });
  });

  it.each(['ACCEPTED', 'RUNNING', 'WAITING_FOR_CAPACITY', 'REJECTED', undefined])('publishes nothing for a %s record', (status) => {
    expect(runEventFor({ runId: 'run-1', status })).toBeUndefined();
  });

  it('carries the run, the job, the output and its figures, the reason and the times, and nothing undefined', () => {
    // Act
    const event = runEventFor({
      runId: 'run-1',
      status: 'SUCCEEDED',
      executionArn: EXECUTION_ARN,
      jobGroup: 'users',
      jobName: 'run-1-3f9c',
      jobArn: 'arn:aws:personalize:us-east-1:123456789012:batch-inference-job/run-1-3f9c',
      inputPath: 's3://data/input/users/users.jsonl',
      outputPath: 's3://data/output/run-1/',
      outputLocation: 's3://data/output/run-1/users.jsonl.out',
      outputFiles: 1,
      records: 10,
      errorRecords: 1,
      emptyRecords: 0,
      inputRecords: 10,
      firstErrors: ['bad'],
      maxErrorRate: 0.1,
      acceptedAt: '2026-11-28T03:00:00.000Z',
      startedAt: '2026-11-28T03:00:00.500Z',
      completedAt: '2026-11-28T03:40:00.000Z',
      source: { type: 's3', key: 'input/users/users.jsonl' },
      expiresAt: 1_800_000_000,
      pollCount: 12,
    });

    // Assess
    expect(event).toEqual({
      source: 'personalize-batch-orchestrator',
      detailType: 'Batch Inference Run Succeeded',
      resources: [EXECUTION_ARN, 'arn:aws:personalize:us-east-1:123456789012:batch-inference-job/run-1-3f9c'],
      time: '2026-11-28T03:40:00.000Z',
      detail: {
        runId: 'run-1',
        status: 'SUCCEEDED',
        jobType: 'BATCH_INFERENCE',
        executionArn: EXECUTION_ARN,
        jobGroup: 'users',
        jobName: 'run-1-3f9c',
        jobArn: 'arn:aws:personalize:us-east-1:123456789012:batch-inference-job/run-1-3f9c',
        inputPath: 's3://data/input/users/users.jsonl',
        outputPath: 's3://data/output/run-1/',
        outputLocation: 's3://data/output/run-1/users.jsonl.out',
        outputFiles: 1,
        records: 10,
        errorRecords: 1,
        emptyRecords: 0,
        inputRecords: 10,
        firstErrors: ['bad'],
        maxErrorRate: 0.1,
        acceptedAt: '2026-11-28T03:00:00.000Z',
        startedAt: '2026-11-28T03:00:00.500Z',
        completedAt: '2026-11-28T03:40:00.000Z',
      },
    });
  });

  it(`cuts a failure reason to ${MAX_EVENT_REASON_LENGTH} characters, so the entry stays far under EventBridge's 256 KB`, () => {
    const event = runEventFor({ runId: 'run-1', status: 'FAILED', failureReason: 'x'.repeat(300_000) });
    expect(event?.detail.failureReason).toHaveLength(MAX_EVENT_REASON_LENGTH);
    expect(Buffer.byteLength(JSON.stringify(event?.detail))).toBeLessThan(10_000);
  });
});

describe('runEventSummary', () => {
  it('says where a succeeded run\'s output is, with its figures', () => {
    const event = runEventFor({ runId: 'run-1', status: 'SUCCEEDED', outputLocation: 's3://data/output/run-1/users.jsonl.out', records: 10, errorRecords: 1, emptyRecords: 0 });
    expect(runEventSummary(event!)).toBe('Batch Inference Run Succeeded: run-1 (10 records, 1 failed, 0 without recommendations) → s3://data/output/run-1/users.jsonl.out');
  });

  it('says why any other run did not succeed', () => {
    const event = runEventFor({ runId: 'run-1', status: 'ABORTED', errorType: 'ExecutionAborted', failureReason: 'The execution was stopped' });
    expect(runEventSummary(event!)).toBe('Batch Inference Run Aborted: run-1: The execution was stopped');
  });
});
