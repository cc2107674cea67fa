import { checkSlotQueue } from './slot-queue-check';

/**
 * `npm run bench`'s timing check of virtual time: 50 runs of one-hour jobs on 5 job slots, started
 * together. Prints, per the issue: the largest gap between a run's elapsed time and its own waits,
 * the makespan against the slot-queue model's, and the real time it took.
 */
export async function main(args: string[]): Promise<void> {
  const runs = Number(args[args.indexOf('--runs') + 1] ?? 50) || 50;
  const slots = Number(args[args.indexOf('--slots') + 1] ?? 5) || 5;
  const check = await checkSlotQueue({ runs, slots });
  const gaps = check.waitSeconds.map((waits, index) => Math.abs((check.elapsedSeconds[index] ?? Number.NaN) - waits));
  const recordGaps = check.waitSeconds.map((waits, index) => Math.abs((check.recordedSeconds[index] ?? Number.NaN) - waits));
  const succeeded = check.executions.filter((execution) => execution.status === 'SUCCEEDED').length;
  const hours = (ms: number) => (ms / 3_600_000).toFixed(3);
  const ok = Math.max(...gaps, ...recordGaps) <= 1 && Math.abs(check.makespanMs - check.model.makespanMs) <= 1000 && succeeded === runs;
  console.log(`## Virtual time: ${runs} runs of ${hours(check.jobMs)} h jobs on ${slots} slots`);
  console.log('');
  console.log('| runs succeeded | max abs(elapsed - own waits) s | max abs(record - own waits) s | makespan h | model makespan h | capacity attempts | real s | check |');
  console.log('|---|---|---|---|---|---|---|---|');
  console.log(
    `| ${succeeded}/${runs} | ${Math.max(...gaps).toFixed(3)} | ${Math.max(...recordGaps).toFixed(3)} | ${hours(check.makespanMs)} | ${hours(check.model.makespanMs)} | ` +
      `${check.capacityAttempts.reduce((sum, count) => sum + count, 0)} | ${(check.realMs / 1000).toFixed(1)} | ${ok ? 'PASS' : 'FAIL'} |`,
  );
  if (!ok) process.exitCode = 1;
}
