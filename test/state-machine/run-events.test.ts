import type { ExecutionStatusChangeEvent } from '../../src/domain/closed-execution';
import { localLambdaContext } from '../../src/local/local-runner';
import { runManually, withLocalEnvironment } from '../support/local-run';

const USERS = '{"userId":"user-001"}\n{"userId":"user-002"}\n';
const SOURCE = 'personalize-batch-orchestrator';
const FAST_JOBS = { pendingMs: 60_000, inProgressMs: 120_000 };

/** Each way a run ends publishes exactly one event on the default bus, built from its final record. */
describe('run events on the default EventBridge bus', () => {
  it('publishes "Batch Inference Run Succeeded" for an upload that succeeded, with the output and its figures', async () => {
    await withLocalEnvironment({ jobDurations: FAST_JOBS }, async (environment) => {
      // Act
      await environment.upload('input/users.jsonl', USERS);
      const [summary] = await environment.triggersSettled();
      const started = summary?.started[0];
      if (!started) throw new Error('the upload started no run');
      await environment.stepFunctions.waitForExecution(started.executionArn);
      await environment.closedExecutionsSettled();
      const record = await environment.getRunRecord(started.executionName);

      // Assess
      expect(environment.publishedEvents()).toEqual([
        expect.objectContaining({
          source: SOURCE,
          'detail-type': 'Batch Inference Run Succeeded',
          resources: [started.executionArn, record?.jobArn],
          time: record?.completedAt.replace(/\.\d{3}Z$/, 'Z'),
          detail: {
            runId: started.executionName,
            status: 'SUCCEEDED',
            jobType: 'BATCH_INFERENCE',
            executionArn: started.executionArn,
            jobGroup: 'default',
            jobName: record?.jobName,
            jobArn: record?.jobArn,
            inputPath: `s3://${environment.bucket}/input/users.jsonl`,
            outputPath: record?.outputPath,
            outputLocation: `s3://${environment.bucket}/output/${started.executionName}/users.jsonl.out`,
            outputFiles: 1,
            records: 2,
            errorRecords: 0,
            emptyRecords: 0,
            inputRecords: 2,
            firstErrors: [],
            maxErrorRate: 0.1,
            acceptedAt: record?.acceptedAt,
            startedAt: record?.startedAt,
            completedAt: record?.completedAt,
          },
        }),
      ]);
    });
  });

  it('publishes "Batch Inference Run Failed" with the reason and counts for output it rejected', async () => {
    await withLocalEnvironment({ jobDurations: FAST_JOBS }, async (environment, sfn) => {
      // Prepare
      await environment.upload('manual/wrong.jsonl', '{"userID":"a"}\n{"user_id":"b"}\n');

      // Act
      await runManually(environment, sfn, 'rejected', { inputPath: `s3://${environment.bucket}/manual/wrong.jsonl` });
      await environment.closedExecutionsSettled();

      // Assess
      const events = environment.publishedEvents();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        'detail-type': 'Batch Inference Run Failed',
        detail: { runId: 'rejected', status: 'FAILED', errorType: 'OutputRejected', failureReason: expect.stringMatching(/^2 of 2 records failed: /), records: 2, errorRecords: 2 },
      });
      expect(events[0]?.detail).not.toHaveProperty('outputLocation');
    });
  });

  it('publishes "Batch Inference Run Timed Out" for a run its guard stopped', async () => {
    await withLocalEnvironment({ jobDurations: { pendingMs: 60_000, inProgressMs: 10 * 3600_000 } }, async (environment, sfn) => {
      // Prepare
      await environment.upload('manual/users.jsonl', USERS);

      // Act
      await runManually(environment, sfn, 'too-slow', { inputPath: `s3://${environment.bucket}/manual/users.jsonl`, maxWaitSeconds: 600 });
      await environment.closedExecutionsSettled();

      // Assess
      expect(environment.publishedEvents()).toEqual([
        expect.objectContaining({ 'detail-type': 'Batch Inference Run Timed Out', detail: expect.objectContaining({ runId: 'too-slow', status: 'TIMED_OUT', errorType: 'RunTimedOut' }) }),
      ]);
    });
  });

  it('publishes the record recordClosedExecution wrote for an execution that failed unrecorded', async () => {
    await withLocalEnvironment({ jobDurations: FAST_JOBS, injectFault: (key) => (key === 'recordRun' ? 'Lambda.Unknown' : undefined) }, async (environment, sfn) => {
      // Prepare
      await environment.upload('manual/users.jsonl', USERS);

      // Act
      await runManually(environment, sfn, 'unrecorded', { inputPath: `s3://${environment.bucket}/manual/users.jsonl` });
      await environment.closedExecutionsSettled();

      // Assess
      expect(environment.publishedEvents()).toEqual([
        expect.objectContaining({ 'detail-type': 'Batch Inference Run Failed', detail: expect.objectContaining({ runId: 'unrecorded', status: 'FAILED', errorType: 'Lambda.Unknown' }) }),
      ]);
    });
  });

  it('publishes "Batch Inference Run Aborted" once an execution stopped by hand is closed', async () => {
    await withLocalEnvironment({}, async (environment) => {
      // Prepare: the stand-in has no StopExecution, so the rule's event for a stopped execution is delivered as EventBridge would.
      const event: ExecutionStatusChangeEvent = {
        version: '0',
        id: 'e-1',
        'detail-type': 'Step Functions Execution Status Change',
        source: 'aws.states',
        account: '123456789012',
        time: '2026-11-28T03:10:00Z',
        region: environment.region,
        resources: [],
        detail: {
          executionArn: `${environment.stateMachineArn.replace(':stateMachine:', ':execution:')}:stopped`,
          stateMachineArn: environment.stateMachineArn,
          name: 'stopped',
          status: 'ABORTED',
          startDate: Date.parse('2026-11-28T03:00:00Z'),
          stopDate: Date.parse('2026-11-28T03:10:00Z'),
          error: null,
          cause: null,
        },
      };

      // Act
      await environment.functions.recordClosedExecution(event as never, localLambdaContext('recordClosedExecution'));

      // Assess
      expect(environment.publishedEvents()).toEqual([
        expect.objectContaining({
          'detail-type': 'Batch Inference Run Aborted',
          detail: expect.objectContaining({ runId: 'stopped', status: 'ABORTED', errorType: 'ExecutionAborted', completedAt: '2026-11-28T03:10:00.000Z' }),
        }),
      ]);
    });
  });

  it('publishes again when EventBridge fails the entry, through Lambda\'s async retry, and the run stays as recorded', async () => {
    await withLocalEnvironment(
      { jobDurations: FAST_JOBS, injectEventFailure: (entryNumber) => (entryNumber === 1 ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' } : undefined) },
      async (environment, sfn) => {
        // Prepare
        await environment.upload('manual/users.jsonl', USERS);

        // Act
        const execution = await runManually(environment, sfn, 'retried', { inputPath: `s3://${environment.bucket}/manual/users.jsonl` });
        await environment.closedExecutionsSettled();

        // Assess
        expect(execution.status).toBe('SUCCEEDED');
        expect(await environment.getRunRecord('retried')).toMatchObject({ status: 'SUCCEEDED' });
        expect(environment.publishedEvents().map((event) => event['detail-type'])).toEqual(['Batch Inference Run Succeeded']);
      },
    );
  });
});
