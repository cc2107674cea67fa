import { DescribeExecutionCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { entersPollingWait, historyOf, withLocalEnvironment } from '../support/local-run';

/** Outside input/, so the upload starts no run of its own. */
const INPUT_KEY = 'scheduled/stop/users.jsonl';
/** Long enough that the run is still polling when the test stops it. */
const SLOW_JOB = { pendingMs: 60_000, inProgressMs: 3_600_000 };

describe('StopExecution on the Step Functions stand-in, through the real SFN client', () => {
  it('closes a running execution ABORTED, stops the runner and records the run ABORTED', async () => {
    // injectFault sees every Task invocation: the test's way to count what the runner still does.
    const invocations: string[] = [];
    const injectFault = (functionKey: string) => {
      invocations.push(functionKey);
      return undefined;
    };
    await withLocalEnvironment({ time: 'virtual', realMsPerWait: 300, jobDurations: SLOW_JOB, injectFault }, async (environment, sfn) => {
      // Prepare: a manual run that reaches its polling loop.
      await environment.upload(INPUT_KEY, '{"userId":"user-001"}\n');
      await environment.triggersSettled();
      const inWait = new Promise<void>((resolve) => {
        environment.stepFunctions.onHistoryEvent((_arn, event) => {
          if (entersPollingWait(event)) resolve();
        });
      });
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: environment.stateMachineArn,
          name: 'stop-me',
          input: JSON.stringify({ inputPath: `s3://${environment.bucket}/${INPUT_KEY}` }),
        }),
      );
      await inWait;
      // The wait's own invocation (waitForJobOutput registers the run) belongs to the Task entered before the stop.
      for (let tries = 0; !invocations.includes('waitForJobOutput') && tries < 500; tries++) await new Promise((resolve) => setTimeout(resolve, 10));

      // Act
      const invokedBeforeStop = invocations.length;
      const stopped = await sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator.Stop', cause: 'stopped by a test' }));
      await environment.stepFunctions.waitForExecution(executionArn as string);
      // Give a runner that ignored the stop the time to invoke its next Task.
      await new Promise((resolve) => setTimeout(resolve, 700));
      await environment.closedExecutionsSettled();

      // Assess
      expect(stopped.stopDate).toBeInstanceOf(Date);
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      expect(described).toMatchObject({ status: 'ABORTED', error: 'Operator.Stop', cause: 'stopped by a test' });
      const history = await historyOf(sfn, executionArn as string);
      expect(history.at(-1)).toMatchObject({
        type: 'ExecutionAborted',
        executionAbortedEventDetails: { error: 'Operator.Stop', cause: 'stopped by a test' },
      });
      expect(history.filter((event) => event.type === 'ExecutionAborted')).toHaveLength(1);
      const record = await environment.getRunRecord('stop-me');
      expect(record).toMatchObject({ status: 'ABORTED' });
      // The runner stopped: no Task ran after the stop but the recordClosedExecution it caused.
      expect(invocations.slice(invokedBeforeStop)).toEqual([]);
    });
  });

  it('leaves a closed execution as it was, and answers for unknown or malformed ARNs as Step Functions does', async () => {
    await withLocalEnvironment({ time: 'virtual' }, async (environment, sfn) => {
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: environment.stateMachineArn, name: 'already-done', input: JSON.stringify({ inputPath: 'not-a-uri' }) }),
      );
      const closed = await environment.stepFunctions.waitForExecution(executionArn as string);

      const again = await sfn.send(new StopExecutionCommand({ executionArn }));

      expect(again.stopDate?.getTime()).toBe(closed.stopDate?.getTime());
      expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe(closed.status);
      const missing = `${environment.stateMachineArn.replace(':stateMachine:', ':execution:')}:never-started`;
      await expect(sfn.send(new StopExecutionCommand({ executionArn: missing }))).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
      await expect(sfn.send(new StopExecutionCommand({ executionArn: 'arn:aws:s3:::bucket' }))).rejects.toMatchObject({ name: 'InvalidArn' });
      await expect(sfn.send(new StopExecutionCommand({ executionArn, error: 'x'.repeat(257) }))).rejects.toMatchObject({
        name: 'ValidationException',
      });
    });
  });
});
