import { DEFAULT_PRIORITY, freeSlots, waiterSortKey } from '../domain/capacity-policy';
import { JOB_TYPES, jobTypeOrDefault, type JobType } from '../domain/job-type';
import type { ActiveJobs, ExecutionStatuses, JobSlots, SlotHolder, SlotTake, SlotWaiter, WaitingTasks } from './ports';

/** One job type's slots and queue: what it needs wherever its slots are taken, freed or handed on. */
export interface SlotQueueDependencies {
  slots: JobSlots;
  /** The jobs of this type Personalize runs, anyone's (ListBatchInferenceJobs or ListBatchSegmentJobs). */
  activeJobs: ActiveJobs;
  tasks: WaitingTasks;
  /** The stage's quota for this job type (`maxConcurrentJobs`, `maxConcurrentSegmentJobs`): Personalize's for this account and region. */
  maxConcurrentJobs: number;
  now: () => number;
}

/**
 * A queue per job type: Personalize counts pending-or-in-progress batch inference jobs and batch
 * segment jobs against quotas of their own (5 each by default; shared/docs/aws-facts.md, "Batch
 * segment jobs"), so a segment run never waits behind inference runs, nor takes their slots.
 */
export type SlotQueues = Readonly<Record<JobType, SlotQueueDependencies>>;

/** What a woken run's "Wait for a job slot" Task outputs (SendTaskSuccess). */
export const SLOT_GRANTED = Object.freeze({ slot: 'GRANTED' });

/**
 * Takes a slot for `holder` if one is free, counting the jobs Personalize runs for others
 * (ListBatchInferenceJobs) against the quota: the holders may number at most
 * `maxConcurrentJobs` less those outside jobs.
 */
export async function takeSlot(holder: SlotHolder, deps: Pick<SlotQueueDependencies, 'slots' | 'activeJobs' | 'maxConcurrentJobs'>): Promise<SlotTake> {
  const [holders, active] = await Promise.all([deps.slots.holders(), deps.activeJobs.activeJobNames()]);
  if (holders.some((held) => held.runId === holder.runId)) return 'ALREADY_HELD';
  const free = freeSlots(deps.maxConcurrentJobs, holders.map((held) => held.jobName), active);
  if (free <= 0) return 'FULL';
  return deps.slots.take(holder, holders.length + free);
}

export interface WakeResult {
  /** Runs handed a slot and woken. */
  woken: string[];
  /** Waiters whose Task was gone (execution closed or timed out): dropped, their slot released. */
  dropped: string[];
}

/**
 * Hands free slots to the queue's head, in service order: takes the slot on the waiter's behalf
 * (so no run arriving meanwhile can take it: first come, first served), takes the waiter out of the
 * queue (only if its token is still the one it queued with), then wakes it (SendTaskSuccess). A
 * waiter whose Task is gone never keeps the slot: it is released and the next one is served.
 * Stops at the first waiter that finds no free slot. Safe to run concurrently: the conditional
 * writes decide which invocation serves a waiter.
 */
export async function wakeWaiters(deps: SlotQueueDependencies): Promise<WakeResult> {
  const result: WakeResult = { woken: [], dropped: [] };
  for (;;) {
    const [head] = await deps.slots.waiters();
    if (!head) return result;
    if (head.activeAtRefusal !== undefined && (await deps.activeJobs.activeJobNames()).length >= head.activeAtRefusal) return result;
    const take = await takeSlot({ runId: head.runId, executionArn: head.executionArn, jobName: head.jobName, since: new Date(deps.now()).toISOString() }, deps);
    if (take === 'FULL') return result;
    // Another invocation may be serving this waiter; whoever removes the item wakes it.
    if (!(await deps.slots.dequeue({ sortKey: head.sortKey, taskToken: head.taskToken }))) continue;
    if (await deps.tasks.succeed(head.taskToken, SLOT_GRANTED)) {
      result.woken.push(head.runId);
    } else {
      if (take === 'TAKEN') await deps.slots.release(head.runId);
      result.dropped.push(head.runId);
    }
  }
}

/** "Wait for a job slot"'s payload: the run and its Task's token. */
export interface WaitForJobSlotRequest {
  taskToken: string;
  execution: { arn: string; name: string };
  /** The queued start (`QueuedStartSchema`); `jobType` picks the queue (absent: batch inference). */
  queued: {
    since: string;
    jobName: string;
    jobType?: JobType | undefined;
    priority?: number | undefined;
    lastRefusal?: string | undefined;
    activeAtRefusal?: number | undefined;
  };
}

/**
 * Puts a run in the queue with its task token, then serves the queue once: a slot freed between
 * the run's start attempt and now is handed on at once (to this run if it is at the head), so no
 * waiter sleeps beside a free slot. After a refusal by Personalize (a slot we thought free was
 * not), the run waits for the next slot to free up, or the sweep, instead of being served again at
 * once: that keeps a quota lower than `maxConcurrentJobs` from becoming a retry storm.
 */
export async function waitForJobSlot(request: WaitForJobSlotRequest, queues: SlotQueues): Promise<{ queued: true; position: number }> {
  const deps = queues[jobTypeOrDefault(request.queued.jobType)];
  const priority = request.queued.priority ?? DEFAULT_PRIORITY;
  const waiter: SlotWaiter = {
    runId: request.execution.name,
    executionArn: request.execution.arn,
    jobName: request.queued.jobName,
    priority,
    since: request.queued.since,
    sortKey: waiterSortKey(priority, request.queued.since, request.execution.name),
    taskToken: request.taskToken,
    ...(request.queued.lastRefusal && request.queued.activeAtRefusal && { activeAtRefusal: request.queued.activeAtRefusal }),
  };
  await deps.slots.enqueue(waiter);
  if (!request.queued.lastRefusal) await wakeWaiters(deps);
  const position = (await deps.slots.waiters()).filter((other) => other.sortKey < waiter.sortKey).length + 1;
  return { queued: true, position };
}

/**
 * Frees whatever a run holds (its slot, its place) and serves the queue. Without `jobType`, every
 * job type's queue: a closed run's record may not say which it used (it failed before its input was read).
 */
export async function releaseRun(runId: string, queues: SlotQueues, jobType?: JobType): Promise<{ released: boolean; dequeued: boolean } & WakeResult> {
  const result = { released: false, dequeued: false, woken: [] as string[], dropped: [] as string[] };
  for (const type of jobType ? [jobType] : JOB_TYPES) {
    const deps = queues[type];
    result.released = (await deps.slots.release(runId)) || result.released;
    for (const waiter of await deps.slots.waiters()) {
      if (waiter.runId === runId) result.dequeued = (await deps.slots.dequeue({ sortKey: waiter.sortKey })) || result.dequeued;
    }
    const served = await wakeWaiters(deps);
    result.woken.push(...served.woken);
    result.dropped.push(...served.dropped);
  }
  return result;
}

export interface SweepResult extends WakeResult {
  /** Slots released because their run's execution had closed. */
  released: string[];
}

/**
 * The periodic sweep (an EventBridge schedule): releases slots whose run's execution has closed
 * (if its closed-execution event was lost), drops waiters whose Task is gone (probed with
 * SendTaskHeartbeat, which also keeps live waiters within their HeartbeatSeconds), and serves the queue.
 */
export async function sweepJobSlots(queues: SlotQueues, executions: ExecutionStatuses): Promise<SweepResult> {
  const result: SweepResult = { released: [], woken: [], dropped: [] };
  for (const type of JOB_TYPES) {
    const swept = await sweepQueue({ ...queues[type], executions });
    result.released.push(...swept.released);
    result.woken.push(...swept.woken);
    result.dropped.push(...swept.dropped);
  }
  return result;
}

async function sweepQueue(deps: SlotQueueDependencies & { executions: ExecutionStatuses }): Promise<SweepResult> {
  const released: string[] = [];
  for (const holder of await deps.slots.holders()) {
    if (!(await deps.executions.isRunning(holder.executionArn).catch(notFoundAsClosed))) {
      if (await deps.slots.release(holder.runId)) released.push(holder.runId);
    }
  }
  const dropped: string[] = [];
  for (const waiter of await deps.slots.waiters()) {
    if (!(await deps.tasks.heartbeat(waiter.taskToken)) && (await deps.slots.dequeue({ sortKey: waiter.sortKey, taskToken: waiter.taskToken }))) {
      dropped.push(waiter.runId);
    }
  }
  const woken = await wakeWaiters(deps);
  return { released, woken: woken.woken, dropped: [...dropped, ...woken.dropped] };
}

function notFoundAsClosed(error: unknown): false {
  if (error instanceof Error && error.name === 'ExecutionDoesNotExist') return false;
  throw error;
}
