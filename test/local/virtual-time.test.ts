import { checkSlotQueue } from '../../bench/slot-queue-check';

/*
 * The same check `npm run bench` runs with 50 runs on 5 slots (bench/virtual-time.mjs), at a size
 * that keeps `npm test` quick: enough runs that most of them queue for a slot for hours.
 */
const RUNS = 15;
const SLOTS = 3;
const JOB_MS = 3_600_000;

describe('virtual time with many runs in flight', () => {
  it(`gives each of ${RUNS} one-hour jobs on ${SLOTS} slots its own elapsed time, and the makespan the slot-queue model predicts`, async () => {
    // Act
    const check = await checkSlotQueue({ runs: RUNS, slots: SLOTS, jobMs: JOB_MS });

    // Assess: every run started at the same instant and ran to success.
    expect(check.executions.map((execution) => execution.status)).toEqual(Array(RUNS).fill('SUCCEEDED'));
    expect(check.startOffsetsMs).toEqual(Array(RUNS).fill(0));
    // Each run's recorded time is its own waits (within a second), not everyone's.
    check.waitSeconds.forEach((waits, index) => {
      expect(Math.abs((check.elapsedSeconds[index] ?? Number.NaN) - waits)).toBeLessThanOrEqual(1);
      expect(Math.abs((check.recordedSeconds[index] ?? Number.NaN) - waits)).toBeLessThanOrEqual(1);
    });
    // The whole schedule is what the domain's policies predict for the slots.
    expect(Math.abs(check.makespanMs - check.model.makespanMs)).toBeLessThanOrEqual(1000);
    expect(check.model.makespanMs).toBeGreaterThanOrEqual((RUNS / SLOTS) * JOB_MS);
    const finishes = check.executions.map((execution) => execution.stopDate?.getTime() ?? 0).map((stop) => stop - (check.executions[0]?.startDate.getTime() ?? 0));
    const predicted = check.model.runs.map((run) => run.doneAtMs).sort((a, b) => a - b);
    finishes.sort((a, b) => a - b).forEach((finish, index) => expect(Math.abs(finish - (predicted[index] ?? Number.NaN))).toBeLessThanOrEqual(1000));
    expect([...check.capacityAttempts].sort((a, b) => a - b)).toEqual(check.model.runs.map((run) => run.capacityAttempts).sort((a, b) => a - b));
    expect(Math.max(...check.capacityAttempts)).toBeGreaterThan(5);
  }, 60_000);
});
