import { checkSlotQueue, type SlotQueueCheck } from './slot-queue-check';

/**
 * `npm run bench`'s capacity table: 50 one-hour runs on 5 job slots arriving a virtual second apart,
 * through the real state machine, handlers and job slot queue in virtual time, against an ideal FIFO
 * semaphore. Two passes: with a queue long enough for every run (makespan, CreateBatchInferenceJob
 * calls per run, start-order inversions) and with the default `maxQueueSeconds` of 6 h (which runs
 * fail, and whether they are the newest). Checks the issue's targets.
 */
export async function main(args: string[]): Promise<void> {
  const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback);
  const runs = option('--runs', 50);
  const slots = option('--slots', 5);
  const full = await checkSlotQueue({ runs, slots, maxQueueSeconds: 5 * 24 * 3600 });
  const bounded = await checkSlotQueue({ runs, slots });
  const hours = (ms: number) => (ms / 3_600_000).toFixed(3);
  const failedIndexes = (check: SlotQueueCheck) => check.executions.flatMap((execution, index) => (execution.status === 'SUCCEEDED' ? [] : [index]));
  const started = (check: SlotQueueCheck) => check.jobStartMs.filter((start) => start !== undefined).length;
  const newestOnly = (indexes: number[]) => indexes.every((index, k) => index === runs - indexes.length + k);
  // The ideal: the jobs back to back on every slot (50 one-hour jobs on 5 slots: 10 h).
  const idealMs = Math.ceil(runs / slots) * full.jobMs;
  const ratio = full.makespanMs / idealMs;
  const createsPerRun = full.createCalls / Math.max(1, started(full));
  const failed = failedIndexes(bounded);
  const idealFailed = bounded.model.runs.filter((run) => run.outcome === 'GAVE_UP').length;
  const ok = ratio <= 1.02 && createsPerRun <= 1.2 && full.inversions === 0 && bounded.inversions === 0 && failedIndexes(full).length === 0 && newestOnly(failed);
  console.log(`## Capacity: ${runs} runs of ${hours(full.jobMs)} h jobs on ${slots} slots, a second apart`);
  console.log('');
  console.log(`| | makespan h | makespan ÷ ideal (${hours(idealMs)} h) | CreateBatchInferenceJob per started run | inversions | failed (maxQueueSeconds 6 h) | failed are the newest | real s | check |`);
  console.log('|---|---|---|---|---|---|---|---|---|');
  console.log(
    `| job slot queue | ${hours(full.makespanMs)} | ${ratio.toFixed(3)} | ${createsPerRun.toFixed(2)} | ${full.inversions} / ${bounded.inversions} | ${failed.length} | ` +
      `${newestOnly(failed) ? 'yes' : 'no'} | ${((full.realMs + bounded.realMs) / 1000).toFixed(1)} | ${ok ? 'PASS' : 'FAIL'} |`,
  );
  console.log(`| FIFO semaphore model (slot handed on at each job's end; last job seen by polling) | ${hours(full.model.makespanMs)} | ${(full.model.makespanMs / idealMs).toFixed(3)} | 1.00 | 0 | ${idealFailed} | yes | | |`);
  console.log('');
  console.log('Inversions: with the long queue / with the default one. Makespan: the first start to the last execution\'s close.');
  if (!ok) process.exitCode = 1;
}
