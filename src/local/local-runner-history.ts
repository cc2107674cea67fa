import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { ExecutionLimits } from './local-runner-limits';
import type { RunnerHistoryEvent } from './step-functions';

export interface LocalEngineEvent {
  type: string;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  Error?: string;
  Cause?: string;
}

interface HistoryOptions {
  emit: (event: RunnerHistoryEvent) => void;
  /** Waits the runner turned into Tasks: reported as the Wait states they are. */
  waitStates: ReadonlyMap<string, unknown>;
  limits: ExecutionLimits;
  onViolation: () => void;
}

/**
 * Translates the engine's event log into Step Functions history events, in order, checking each
 * state's input and output against the quota. Nothing after a breach is recorded: on AWS the
 * execution ends there.
 */
export async function recordHistory(events: AsyncIterable<LocalEngineEvent>, options: HistoryOptions): Promise<void> {
  for await (const event of events) {
    if (options.limits.violation) continue;
    const state = event.state;
    if (state && event.type === 'StateEntered') {
      options.limits.countEvents(1);
      options.limits.checkPayload(`input of state "${state.name}"`, state.input);
    }
    if (state && event.type === 'StateExited') {
      options.limits.countEvents(1);
      options.limits.checkPayload(`output of state "${state.name}"`, state.output);
    }
    if (options.limits.violation) {
      options.onViolation();
      continue;
    }
    const type = state && options.waitStates.has(state.name) ? 'Wait' : state?.type;
    for (const historyEvent of toHistoryEvents(event, type)) options.emit(historyEvent);
  }
}

const TIMEOUT_ERRORS = new Set(['States.Timeout', 'States.HeartbeatTimeout']);

function toHistoryEvents(event: LocalEngineEvent, stateType: string | undefined): RunnerHistoryEvent[] {
  const state = event.state;
  switch (event.type) {
    case 'StateEntered':
      return state
        ? [{ type: `${stateType}StateEntered` as HistoryEvent['type'], stateEnteredEventDetails: { name: state.name, input: JSON.stringify(state.input ?? null) } }]
        : [];
    case 'StateExited':
      return state
        ? [{ type: `${stateType}StateExited` as HistoryEvent['type'], stateExitedEventDetails: { name: state.name, output: JSON.stringify(state.output ?? null) } }]
        : [];
    case 'StateFailed':
      if (stateType !== 'Task') return [];
      // A Task past its TimeoutSeconds or HeartbeatSeconds is TaskTimedOut in AWS history, not
      // TaskFailed (e.g. the safety poll of "Wait for job output" ending the wait).
      return TIMEOUT_ERRORS.has(event.Error ?? '')
        ? [{ type: 'TaskTimedOut', taskTimedOutEventDetails: { resourceType: 'lambda', resource: 'invoke', error: event.Error, cause: event.Cause } }]
        : [{ type: 'TaskFailed', taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: event.Error, cause: event.Cause } }];
    default:
      // Execution start and end are recorded by the Step Functions stand-in itself; retries and
      // catches show in AWS history only as the TaskFailed before them.
      return [];
  }
}
