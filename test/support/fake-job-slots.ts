import type { SlotQueueDependencies } from '../../src/use-cases/job-slot-queue';
import type { ActiveJobs, ExecutionStatuses, JobSlots, SlotHolder, SlotTake, SlotWaiter, WaitingTasks } from '../../src/use-cases/ports';

/** In-memory job slots and queue with the same contract as the DynamoDB adapter (a take refuses at `limit`). */
export class FakeJobSlots implements JobSlots {
  readonly held = new Map<string, SlotHolder>();
  readonly queue = new Map<string, SlotWaiter>();

  async holders(): Promise<SlotHolder[]> {
    return [...this.held.values()].sort((a, b) => a.since.localeCompare(b.since));
  }

  async take(holder: SlotHolder, limit: number): Promise<SlotTake> {
    if (this.held.has(holder.runId)) return 'ALREADY_HELD';
    if (this.held.size >= limit) return 'FULL';
    this.held.set(holder.runId, holder);
    return 'TAKEN';
  }

  async release(runId: string): Promise<boolean> {
    return this.held.delete(runId);
  }

  async enqueue(waiter: SlotWaiter): Promise<void> {
    this.queue.set(waiter.sortKey, { ...waiter });
  }

  async waiters(): Promise<SlotWaiter[]> {
    return [...this.queue.values()].sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  }

  async dequeue(waiter: Pick<SlotWaiter, 'sortKey'> & { taskToken?: string }): Promise<boolean> {
    const item = this.queue.get(waiter.sortKey);
    if (!item || (waiter.taskToken !== undefined && item.taskToken !== waiter.taskToken)) return false;
    return this.queue.delete(waiter.sortKey);
  }
}

/** Jobs Personalize runs (anyone's), as a settable list of names. */
export class FakeActiveJobs implements ActiveJobs {
  names: string[] = [];
  async activeJobNames(): Promise<string[]> {
    return [...this.names];
  }
}

/** Task tokens: the live ones answer; `succeeded` records who was woken with what. */
export class FakeWaitingTasks implements WaitingTasks {
  readonly live = new Set<string>();
  readonly succeeded: Array<{ taskToken: string; output: unknown }> = [];
  async succeed(taskToken: string, output: unknown): Promise<boolean> {
    if (!this.live.delete(taskToken)) return false;
    this.succeeded.push({ taskToken, output });
    return true;
  }
  async heartbeat(taskToken: string): Promise<boolean> {
    return this.live.has(taskToken);
  }
}

/** Executions by ARN: running unless listed in `closed`. */
export class FakeExecutionStatuses implements ExecutionStatuses {
  readonly closed = new Set<string>();
  async isRunning(executionArn: string): Promise<boolean> {
    return !this.closed.has(executionArn);
  }
}

/** A queue with `maxConcurrentJobs` slots, all free. */
export function fakeSlotQueue(maxConcurrentJobs = 5, now: () => number = Date.now): SlotQueueDependencies & { slots: FakeJobSlots; activeJobs: FakeActiveJobs; tasks: FakeWaitingTasks } {
  return { slots: new FakeJobSlots(), activeJobs: new FakeActiveJobs(), tasks: new FakeWaitingTasks(), maxConcurrentJobs, now };
}

/** One fake queue per job type, each with `maxConcurrentJobs` free slots, sharing one set of task tokens. */
export function fakeSlotQueues(maxConcurrentJobs = 5, now: () => number = Date.now) {
  const inference = fakeSlotQueue(maxConcurrentJobs, now);
  const segment = { ...fakeSlotQueue(maxConcurrentJobs, now), tasks: inference.tasks };
  return { BATCH_INFERENCE: inference, BATCH_SEGMENT: segment };
}
