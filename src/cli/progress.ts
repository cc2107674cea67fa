import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { readJson } from './json';

/**
 * Turns Step Functions history events into the progress lines `personalize-batch run` prints:
 * each state entered, each poll with the job's status, and how the execution ended.
 * Pure, so the wording is unit-tested without running anything.
 */
export function describeHistoryEvent(event: HistoryEvent, elapsedLabel: string): string | undefined {
  const prefix = `  ${elapsedLabel.padStart(8)}  `;
  const entered = event.stateEnteredEventDetails;
  const exited = event.stateExitedEventDetails;
  switch (event.type) {
    case 'TaskStateEntered': {
      // A wait for the job's output ends at its object-created event, or at the safety poll.
      const safetySeconds = entered?.name === 'Wait for job output' ? readJson(entered.input)?.poll?.waitSeconds : undefined;
      if (typeof safetySeconds === 'number') return `${prefix}→ ${entered?.name} (at most ${formatDuration(safetySeconds)})`;
      return entered?.name ? `${prefix}→ ${entered.name}` : undefined;
    }
    case 'ChoiceStateEntered':
    case 'SucceedStateEntered':
    case 'FailStateEntered':
      return entered?.name ? `${prefix}→ ${entered.name}` : undefined;
    case 'WaitStateEntered': {
      const seconds = readJson(entered?.input)?.poll?.waitSeconds;
      return `${prefix}→ ${entered?.name ?? 'Wait'}${typeof seconds === 'number' ? ` (${formatDuration(seconds)})` : ''}`;
    }
    case 'TaskStateExited': {
      const output = readJson(exited?.output);
      if (exited?.name === 'Start job' && output?.run?.jobArn) {
        const adopted = output.run.adoptedExistingJob ? ' (adopted the existing job)' : '';
        return `${prefix}  job ${output.run.jobArn}${adopted}`;
      }
      if (exited?.name === 'Get job status' && output?.poll) {
        const { count, status, elapsedSeconds, timedOut } = output.poll;
        const guard = timedOut ? ' — max wait reached' : '';
        return `${prefix}  poll ${count}: ${status ?? 'unknown'} after ${formatDuration(elapsedSeconds ?? 0)}${guard}`;
      }
      return undefined;
    }
    case 'TaskFailed': {
      const details = event.taskFailedEventDetails;
      return `${prefix}  ✗ ${details?.error ?? 'error'}: ${summarizeCause(details?.cause)}`;
    }
    case 'TaskTimedOut': {
      // A wait's TimeoutSeconds or HeartbeatSeconds: the state machine goes on ("Start job" again, or the next status check).
      const details = event.taskTimedOutEventDetails;
      return `${prefix}  ⏱ ${details?.error ?? 'States.Timeout'}: ${summarizeCause(details?.cause)}`;
    }
    case 'ExecutionSucceeded':
      return `${prefix}✔ execution succeeded`;
    case 'ExecutionFailed':
      return `${prefix}✘ execution failed: ${event.executionFailedEventDetails?.error ?? ''} ${summarizeCause(event.executionFailedEventDetails?.cause)}`.trimEnd();
    case 'ExecutionTimedOut':
      return `${prefix}✘ execution timed out`;
    case 'ExecutionAborted':
      return `${prefix}✘ execution aborted`;
    default:
      return undefined;
  }
}

/** `75` → `1m15s`; `3600` → `1h00m00s`. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (hours > 0) return `${hours}h${pad(minutes)}m${pad(rest)}s`;
  if (minutes > 0) return `${minutes}m${pad(rest)}s`;
  return `${rest}s`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** Lambda causes are JSON with `errorMessage`; others are text. */
export function summarizeCause(cause: string | undefined): string {
  if (!cause) return '';
  const parsed = readJson(cause);
  return typeof parsed?.errorMessage === 'string' ? parsed.errorMessage : cause;
}

