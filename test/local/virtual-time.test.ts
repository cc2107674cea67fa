import { checkSlotQueue } from '../../bench/slot-queue-check';

/*
 * The same check `npm run bench` runs with 50 runs on 5 slots (bench/virtual-time.ts), at a size
 * that keeps `npm test` quick: enough runs that most of them queue for a slot for hours.
 */
const RUNS = 15;
const SLOTS = 3;
const JOB_MS = 3_600_000;

describe('the job slot queue with many runs in flight (virtual time)', () => {
  it(`starts ${RUNS} one-hour jobs on ${SLOTS} slots first come first served, with one CreateBatchInferenceJob per run, close to the ideal FIFO semaphore`, async () => {
    // Act
    const check = await checkSlotQueue({ runs: RUNS, slots: SLOTS, jobMs: JOB_MS, maxQueueSeconds: 24 * 3600 });

    // Assess
    expect(check.executions.map((execution) => execution.status)).toEqual(Array(RUNS).fill('SUCCEEDED'));
    expect(check.inversions).toBe(0);
    expect(check.createCalls).toBe(RUNS);
    // Most runs queued (only the first SLOTS found a slot free).
    expect(check.records.filter((record) => (record?.capacityAttempts ?? 0) > 0)).toHaveLength(RUNS - SLOTS);
    // A slot passes on when the run holding it sees its job end, which its job's output tells it
    // within seconds (the model detects job ends by polling, so it is an upper bound here): the jobs
    // run back to back, a minute at most lost over the whole backlog.
    const backToBack = Math.ceil(RUNS / SLOTS) * JOB_MS;
    expect(check.makespanMs).toBeGreaterThanOrEqual(backToBack);
    expect(check.makespanMs).toBeLessThanOrEqual(backToBack + 60_000);
    expect(check.makespanMs / check.model.makespanMs).toBeLessThanOrEqual(1.1);
  }, 60_000);

  it('fails only the newest runs when the backlog outlasts maxQueueSeconds, naming their queue position', async () => {
    // Act: 9 runs on 3 slots is 3 hours of jobs; a run may wait 1.5 hours.
    const runs = 9;
    const check = await checkSlotQueue({ runs, slots: SLOTS, jobMs: JOB_MS, maxQueueSeconds: 5400 });

    // Assess
    const statuses = check.executions.map((execution) => execution.status);
    const failed = statuses.map((status, index) => (status === 'SUCCEEDED' ? -1 : index)).filter((index) => index >= 0);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThan(runs);
    // The failures are a suffix of the arrival order: the newest.
    expect(failed).toEqual(Array.from({ length: failed.length }, (_, k) => runs - failed.length + k));
    expect(check.inversions).toBe(0);
    expect(check.createCalls).toBe(runs - failed.length);
    for (const index of failed) {
      expect(check.records[index]?.failureReason).toMatch(/^Still \d+(st|nd|rd|th) in the queue for a Personalize job slot after 5400 s \(maxQueueSeconds 5400\)/);
    }
    // The first one to fail was at the head of the queue.
    expect(check.records[failed[0] ?? 0]?.failureReason).toMatch(/^Still 1st in the queue/);
  }, 60_000);
});
