import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describeHistoryEvent, formatDuration, summarizeCause } from '../../src/cli/progress';

const timestamp = new Date('2026-01-15T10:00:00.000Z');
const LABEL = '1m05s';
const PREFIX = '     1m05s  ';

function event(type: string, details: Partial<HistoryEvent> = {}): HistoryEvent {
  return { id: 1, timestamp, type: type as HistoryEvent['type'], ...details };
}

function entered(type: string, name: string, input?: unknown): HistoryEvent {
  return event(type, { stateEnteredEventDetails: { name, ...(input !== undefined && { input: JSON.stringify(input) }) } });
}

function exited(name: string, output: unknown): HistoryEvent {
  return event('TaskStateExited', { stateExitedEventDetails: { name, output: JSON.stringify(output) } });
}

const lambdaCause = JSON.stringify({ errorType: 'JobRejectedError', errorMessage: 'Personalize rejected the job', trace: [] });

describe('describeHistoryEvent', () => {
  it.each(['TaskStateEntered', 'ChoiceStateEntered', 'SucceedStateEntered', 'FailStateEntered'])('shows the state entered on %s', (type) => {
    // Act & Assess
    expect(describeHistoryEvent(entered(type, 'Job complete?'), LABEL)).toBe(`${PREFIX}→ Job complete?`);
  });

  it('shows nothing for an entered state without a name', () => {
    // Act & Assess
    expect(describeHistoryEvent(event('TaskStateEntered', { stateEnteredEventDetails: { name: '' } }), LABEL)).toBeUndefined();
  });

  it('shows the wait length on WaitStateEntered', () => {
    // Act
    const line = describeHistoryEvent(entered('WaitStateEntered', 'Wait for next poll', { poll: { waitSeconds: 135 } }), LABEL);

    // Assess
    expect(line).toBe(`${PREFIX}→ Wait for next poll (2m15s)`);
  });

  it('shows a wait without a length when the input has none', () => {
    // Act
    const line = describeHistoryEvent(entered('WaitStateEntered', 'Wait for next poll', { run: {} }), LABEL);

    // Assess
    expect(line).toBe(`${PREFIX}→ Wait for next poll`);
  });

  it('shows the job ARN when the start task exits', () => {
    // Act
    const line = describeHistoryEvent(exited('Start job', { run: { jobArn: 'arn:job/1', adoptedExistingJob: false } }), LABEL);

    // Assess
    expect(line).toBe(`${PREFIX}  job arn:job/1`);
  });

  it('says when the start task adopted an existing job', () => {
    // Act
    const line = describeHistoryEvent(exited('Start job', { run: { jobArn: 'arn:job/1', adoptedExistingJob: true } }), LABEL);

    // Assess
    expect(line).toBe(`${PREFIX}  job arn:job/1 (adopted the existing job)`);
  });

  it('shows each poll with its status and elapsed time', () => {
    // Act
    const line = describeHistoryEvent(exited('Get job status', { poll: { count: 3, status: 'IN PROGRESS', elapsedSeconds: 3725, timedOut: false } }), LABEL);

    // Assess
    expect(line).toBe(`${PREFIX}  poll 3: IN PROGRESS after 1h02m05s`);
  });

  it('marks the poll that reached the max wait', () => {
    // Act
    const line = describeHistoryEvent(exited('Get job status', { poll: { count: 9, status: null, timedOut: true } }), LABEL);

    // Assess
    expect(line).toBe(`${PREFIX}  poll 9: unknown after 0s — max wait reached`);
  });

  it.each([
    ['another task', exited('Record run', { runId: 'r' })],
    ['a start task without a job', exited('Start job', { error: {} })],
    ['output that is not JSON', event('TaskStateExited', { stateExitedEventDetails: { name: 'Get job status', output: 'not json' } })],
    ['an event type it does not show', event('LambdaFunctionScheduled')],
  ])('shows nothing for %s', (_label, historyEvent) => {
    // Act & Assess
    expect(describeHistoryEvent(historyEvent, LABEL)).toBeUndefined();
  });

  it('shows a wait for the job\'s output with its safety poll, the longest it can last', () => {
    // Act
    const line = describeHistoryEvent(entered('TaskStateEntered', 'Wait for job output', { poll: { waitSeconds: 3600 } }), LABEL);

    // Assess
    expect(line).toBe(`${PREFIX}→ Wait for job output (at most 1h00m00s)`);
  });

  it('shows a failed task with the Lambda error message', () => {
    // Act
    const line = describeHistoryEvent(event('TaskFailed', { taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'JobRejectedError', cause: lambdaCause } }), LABEL);

    // Assess
    expect(line).toBe(`${PREFIX}  ✗ JobRejectedError: Personalize rejected the job`);
  });

  it('shows a task that timed out (a wait\'s HeartbeatSeconds or TimeoutSeconds) as a wait that ended, not a failure', () => {
    // Act
    const line = describeHistoryEvent(
      event('TaskTimedOut', { taskTimedOutEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'States.HeartbeatTimeout', cause: 'No heartbeat within HeartbeatSeconds (3600)' } }),
      LABEL,
    );

    // Assess
    expect(line).toBe(`${PREFIX}  ⏱ States.HeartbeatTimeout: No heartbeat within HeartbeatSeconds (3600)`);
  });

  it('shows a failed task without details', () => {
    // Act & Assess
    expect(describeHistoryEvent(event('TaskFailed'), LABEL)).toMatch(/^ {5}1m05s {4}✗ error:\s*$/);
  });

  it.each([
    ['ExecutionSucceeded', '✔ execution succeeded'],
    ['ExecutionTimedOut', '✘ execution timed out'],
    ['ExecutionAborted', '✘ execution aborted'],
  ])('shows how the execution ended on %s', (type, text) => {
    // Act & Assess
    expect(describeHistoryEvent(event(type), LABEL)).toBe(`${PREFIX}${text}`);
  });

  it('shows a failed execution with its error and cause', () => {
    // Act
    const line = describeHistoryEvent(event('ExecutionFailed', { executionFailedEventDetails: { error: 'JobRejectedError', cause: lambdaCause } }), LABEL);

    // Assess
    expect(line).toBe(`${PREFIX}✘ execution failed: JobRejectedError Personalize rejected the job`);
  });

  it('shows a failed execution without details with no trailing space', () => {
    // Act & Assess
    expect(describeHistoryEvent(event('ExecutionFailed'), LABEL)).toBe(`${PREFIX}✘ execution failed:`);
  });

  it('pads the elapsed label to line up', () => {
    // Act & Assess
    expect(describeHistoryEvent(event('ExecutionSucceeded'), '3s')).toBe('        3s  ✔ execution succeeded');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [59.4, '59s'],
    [59.5, '1m00s'],
    [60, '1m00s'],
    [75, '1m15s'],
    [3599, '59m59s'],
    [3600, '1h00m00s'],
    [3661, '1h01m01s'],
    [90_061, '25h01m01s'],
    [-5, '0s'],
  ])('formats %s seconds as %s', (seconds, text) => {
    // Act & Assess
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('summarizeCause', () => {
  it.each<[string, string | undefined, string]>([
    ['a Lambda error JSON', lambdaCause, 'Personalize rejected the job'],
    ['plain text', 'The task timed out.', 'The task timed out.'],
    ['JSON without errorMessage', '{"message":"x"}', '{"message":"x"}'],
    ['an empty cause', '', ''],
    ['no cause', undefined, ''],
  ])('summarizes %s', (_label, cause, summary) => {
    // Act & Assess
    expect(summarizeCause(cause)).toBe(summary);
  });
});
