import { waiterSortKey } from '../../src/domain/capacity-policy';
import { releaseRun, sweepJobSlots, waitForJobSlot, wakeWaiters } from '../../src/use-cases/job-slot-queue';
import { FakeExecutionStatuses, fakeSlotQueues } from '../support/fake-job-slots';

const NOW = Date.parse('2026-01-15T10:00:00.000Z');
const at = (seconds: number) => new Date(NOW + seconds * 1000).toISOString();
const holder = (runId: string) => ({ runId, executionArn: `arn:${runId}`, jobName: `job-${runId}`, since: at(0) });
const request = (runId: string, since: string, extra: { priority?: number; lastRefusal?: string } = {}) => ({
  taskToken: `token-${runId}`,
  execution: { arn: `arn:${runId}`, name: runId },
  queued: { since, jobName: `job-${runId}`, ...extra },
});

describe('the job slot queue', () => {
  it('queues a run behind the one that came first, and tells it its position', async () => {
    // Prepare
    const queues = fakeSlotQueues(1, () => NOW);
    const deps = queues.BATCH_INFERENCE;
    deps.slots.held.set('a', holder('a'));
    deps.tasks.live.add('token-b').add('token-c');

    // Act
    const b = await waitForJobSlot(request('b', at(1)), queues);
    const c = await waitForJobSlot(request('c', at(2)), queues);

    // Assess
    expect([b.position, c.position]).toEqual([1, 2]);
    expect((await deps.slots.waiters()).map((waiter) => waiter.runId)).toEqual(['b', 'c']);
  });

  it('hands a freed slot to the head of the queue and wakes it, first come first served', async () => {
    // Prepare
    const queues = fakeSlotQueues(1, () => NOW);
    const deps = queues.BATCH_INFERENCE;
    deps.slots.held.set('a', holder('a'));
    deps.tasks.live.add('token-b').add('token-c');
    await waitForJobSlot(request('c', at(2)), queues);
    await waitForJobSlot(request('b', at(1)), queues);

    // Act: A's run closes.
    const result = await releaseRun('a', queues);

    // Assess
    expect(result).toMatchObject({ released: true, woken: ['b'], dropped: [] });
    expect([...deps.slots.held.keys()]).toEqual(['b']);
    expect(deps.tasks.succeeded).toEqual([{ taskToken: 'token-b', output: { slot: 'GRANTED' } }]);
    expect((await deps.slots.waiters()).map((waiter) => waiter.runId)).toEqual(['c']);
  });

  it('drops a dead waiter (its Task gone) without keeping the slot, and serves the next one', async () => {
    // Prepare: B's execution was aborted; its token answers no more.
    const queues = fakeSlotQueues(1, () => NOW);
    const deps = queues.BATCH_INFERENCE;
    deps.slots.held.set('a', holder('a'));
    deps.tasks.live.add('token-c');
    await waitForJobSlot(request('b', at(1)), queues);
    await waitForJobSlot(request('c', at(2)), queues);

    // Act
    const result = await releaseRun('a', queues);

    // Assess
    expect(result).toMatchObject({ woken: ['c'], dropped: ['b'] });
    expect([...deps.slots.held.keys()]).toEqual(['c']);
  });

  it('puts a run Personalize refused back at its place, and does not serve it again at once', async () => {
    // Prepare: the slot was free by our count, but Personalize refused (an outside job not listed yet).
    const queues = fakeSlotQueues(2, () => NOW);
    const deps = queues.BATCH_INFERENCE;
    deps.tasks.live.add('token-a').add('token-b');
    await waitForJobSlot(request('b', at(5)), { ...queues, BATCH_INFERENCE: { ...deps, maxConcurrentJobs: 0 } });

    // Act
    const refused = await waitForJobSlot(request('a', at(1), { lastRefusal: 'LimitExceededException' }), queues);

    // Assess: ahead of B (it queued first), no slot taken, nobody woken until a slot frees.
    expect(refused.position).toBe(1);
    expect(deps.slots.held.size).toBe(0);
    expect(deps.tasks.succeeded).toEqual([]);
    expect(await wakeWaiters(deps)).toMatchObject({ woken: ['a', 'b'] });
  });

  it('serves a higher priority first', async () => {
    // Prepare
    const queues = fakeSlotQueues(1, () => NOW);
    const deps = queues.BATCH_INFERENCE;
    deps.slots.held.set('a', holder('a'));
    deps.tasks.live.add('token-low').add('token-high');
    await waitForJobSlot(request('low', at(1), { priority: 1 }), queues);
    await waitForJobSlot(request('high', at(9), { priority: 9 }), queues);

    // Act
    const result = await releaseRun('a', queues);

    // Assess
    expect(result.woken).toEqual(['high']);
    expect((await deps.slots.waiters())[0]?.sortKey).toBe(waiterSortKey(1, at(1), 'low'));
  });

  it('sweeps: frees the slot of a run whose execution closed, drops dead waiters, wakes the head', async () => {
    // Prepare: A's closed-execution event was lost; B's execution died while queued; C waits.
    const queues = fakeSlotQueues(1, () => NOW);
    const deps = queues.BATCH_INFERENCE;
    const executions = new FakeExecutionStatuses();
    deps.slots.held.set('a', holder('a'));
    executions.closed.add('arn:a');
    deps.tasks.live.add('token-c');
    await waitForJobSlot(request('b', at(1)), queues);
    await waitForJobSlot(request('c', at(2)), queues);

    // Act
    const result = await sweepJobSlots(queues, executions);

    // Assess
    expect(result).toEqual({ released: ['a'], dropped: ['b'], woken: ['c'] });
    expect([...deps.slots.held.keys()]).toEqual(['c']);
    expect(await deps.slots.waiters()).toEqual([]);
  });

  it('counts outside jobs: no slot is handed on while they fill the quota', async () => {
    // Prepare
    const queues = fakeSlotQueues(2, () => NOW);
    const deps = queues.BATCH_INFERENCE;
    deps.activeJobs.names = ['console-1', 'console-2'];
    deps.tasks.live.add('token-b');
    await waitForJobSlot(request('b', at(1)), queues);

    // Act
    const result = await wakeWaiters(deps);

    // Assess
    expect(result.woken).toEqual([]);
    deps.activeJobs.names = ['console-1'];
    expect((await wakeWaiters(deps)).woken).toEqual(['b']);
  });

  it('keeps a queue per job type: a segment run is not held up by full inference slots, and an inference slot never wakes it', async () => {
    // Prepare: the one inference slot is held and B waits for it; segment run S waits while its slot is held by T.
    const queues = fakeSlotQueues(1, () => NOW);
    queues.BATCH_INFERENCE.slots.held.set('a', holder('a'));
    queues.BATCH_SEGMENT.slots.held.set('t', holder('t'));
    queues.BATCH_INFERENCE.tasks.live.add('token-b').add('token-s');
    await waitForJobSlot(request('b', at(1)), queues);
    await waitForJobSlot({ ...request('s', at(2)), queued: { ...request('s', at(2)).queued, jobType: 'BATCH_SEGMENT' as const } }, queues);

    // Act: the inference run closes, then the segment run.
    const afterInference = await releaseRun('a', queues);
    const afterSegment = await releaseRun('t', queues);

    // Assess: each freed slot went to its own type's waiter.
    expect(afterInference.woken).toEqual(['b']);
    expect(afterSegment.woken).toEqual(['s']);
    expect([...queues.BATCH_INFERENCE.slots.held.keys()]).toEqual(['b']);
    expect([...queues.BATCH_SEGMENT.slots.held.keys()]).toEqual(['s']);
  });

  it('serves a refused run again only once Personalize lists fewer jobs than when it refused, so a low quota is not a refusal per sweep', async () => {
    // Prepare: the stage says 2 slots; Personalize refused A while it listed 1 job (the quota is 1).
    const queues = fakeSlotQueues(2, () => NOW);
    const deps = queues.BATCH_INFERENCE;
    deps.activeJobs.names = ['job-x'];
    deps.slots.held.set('x', holder('x'));
    deps.tasks.live.add('token-a');
    const refused = { ...request('a', at(1), { lastRefusal: 'LimitExceededException' }) };
    await waitForJobSlot({ ...refused, queued: { ...refused.queued, activeAtRefusal: 1 } }, queues);

    // Act: a sweep while X's job still runs, then X's job ends.
    const whileRunning = await wakeWaiters(deps);
    deps.activeJobs.names = [];
    const afterEnd = await releaseRun('x', queues);

    // Assess
    expect(whileRunning.woken).toEqual([]);
    expect(afterEnd.woken).toEqual(['a']);
  });
});
