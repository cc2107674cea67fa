import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import type { RunnerHistoryEvent } from './types';

/** A Standard execution fails when its history would grow past this many events (a hard quota). */
export const MAX_HISTORY_EVENTS = 25_000;

/** What AWS reports when the quota is hit (error `States.Runtime`). */
export const HISTORY_LIMIT_CAUSE = `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).`;

/**
 * Events that open or close an execution. The stand-in records these itself, so that every history
 * starts and ends the way AWS's does whatever the runner reports.
 */
export const EXECUTION_LEVEL_EVENT_TYPES: ReadonlySet<string> = new Set<HistoryEventType>([
  'ExecutionStarted',
  'ExecutionSucceeded',
  'ExecutionFailed',
  'ExecutionTimedOut',
  'ExecutionAborted',
  'ExecutionRedriven',
]);

/**
 * The ordered, append-only history of one execution. Ids start at 1 and each event's
 * `previousEventId` is the one before it (0 for the first, as AWS reports). AWS points
 * `previousEventId` at the causing event, which differs inside Parallel and Map states; runners
 * do not report causality, so the sequential link is the closest faithful value.
 */
export class ExecutionHistory {
  private readonly recorded: HistoryEvent[] = [];

  get size(): number {
    return this.recorded.length;
  }

  /**
   * Stores a copy of `event`, so a runner that reuses or mutates its objects cannot rewrite history.
   * Throws if the event cannot be copied (it holds functions or other non-data values).
   */
  append(event: RunnerHistoryEvent, timestamp: Date): HistoryEvent {
    const id = this.recorded.length + 1;
    const stored: HistoryEvent = {
      ...copyEventData(event),
      timestamp: new Date(timestamp.getTime()),
      id,
      previousEventId: id - 1,
    };
    this.recorded.push(stored);
    return stored;
  }

  /**
   * One page of events in the requested order, starting after the event with id `afterId`
   * (exclusive; in reverse order "after" means "older than").
   */
  page(options: { maxResults: number; reverseOrder: boolean; afterId?: number }): {
    events: HistoryEvent[];
    lastId?: number;
  } {
    const { maxResults, reverseOrder, afterId } = options;
    // Ids are positions + 1, so a page is a slice; events only ever arrive at the end, which keeps
    // a position valid while a running execution grows.
    let events: HistoryEvent[];
    let hasMore: boolean;
    if (reverseOrder) {
      const end = afterId === undefined ? this.recorded.length : Math.max(0, afterId - 1);
      const start = Math.max(0, end - maxResults);
      events = this.recorded.slice(start, end).reverse();
      hasMore = start > 0;
    } else {
      const start = afterId ?? 0;
      events = this.recorded.slice(start, start + maxResults);
      hasMore = start + maxResults < this.recorded.length;
    }
    const lastId = hasMore ? events[events.length - 1]?.id : undefined;
    return lastId === undefined ? { events } : { events, lastId };
  }
}

/**
 * GetExecutionHistory with `includeExecutionData: false`: the same events without the execution
 * data (every `input` and `output` payload in the event's details).
 */
export function withoutExecutionData(event: HistoryEvent): HistoryEvent {
  const copy: Record<string, unknown> = { ...event };
  for (const [key, value] of Object.entries(copy)) {
    if (!key.endsWith('EventDetails') || typeof value !== 'object' || value === null) continue;
    const { input: _input, output: _output, ...metadata } = value as Record<string, unknown>;
    copy[key] = metadata;
  }
  return copy as unknown as HistoryEvent;
}

/**
 * A deep copy of event data: plain objects, arrays, Dates and primitives, which is all a history
 * event holds. Hand-written rather than `structuredClone` because the latter builds its copies in
 * Node's own realm, so under jest's sandboxed globals a copied Date would fail `instanceof Date`.
 * Throws a TypeError for anything a history event could not carry over the wire (functions,
 * class instances, cycles).
 */
function copyEventData<T>(value: T): T {
  return copyValue(value, new Set()) as T;
}

function copyValue(value: unknown, ancestors: Set<object>): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      throw new TypeError(`a ${typeof value} is not event data`);
    }
    return value;
  }
  if (value instanceof Date || Object.prototype.toString.call(value) === '[object Date]') {
    return new Date((value as Date).getTime());
  }
  if (ancestors.has(value)) throw new TypeError('event data must not be circular');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => copyValue(item, ancestors));
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== null && Object.getPrototypeOf(prototype) !== null) {
      throw new TypeError(`a ${value.constructor?.name ?? 'class'} instance is not event data`);
    }
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) copy[key] = copyValue(item, ancestors);
    }
    return copy;
  } finally {
    ancestors.delete(value);
  }
}

type HistoryListener = (executionArn: string, event: HistoryEvent) => void;

/** The stand-in's `onHistoryEvent` subscribers, each handed every event as it is recorded. */
export class HistoryListeners {
  private readonly listeners = new Set<HistoryListener>();

  /** Returns the unsubscribe function. */
  subscribe(listener: HistoryListener): () => void {
    // Wrapped so the same function can subscribe twice and unsubscribe each independently.
    const subscription: HistoryListener = (executionArn, event) => listener(executionArn, event);
    this.listeners.add(subscription);
    return () => {
      this.listeners.delete(subscription);
    };
  }

  /** A listener that throws is reported as a process warning; it cannot fail the execution. */
  publish(executionArn: string, event: HistoryEvent): void {
    if (this.listeners.size === 0) return;
    // One copy for all listeners: none of them can alter the recorded history.
    const copy = copyEventData(event);
    for (const listener of this.listeners) {
      try {
        listener(executionArn, copy);
      } catch (error) {
        process.emitWarning(
          `A Step Functions stand-in history listener threw: ${error instanceof Error ? error.message : String(error)}`,
          'StepFunctionsStandInWarning',
        );
      }
    }
  }
}
