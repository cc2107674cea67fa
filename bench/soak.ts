import { runSoak } from './soak-run';

/**
 * `npm run soak`: many uploads at once with the soak fault plan on (bench/soak-run.ts). Prints
 * triggers, executions, jobs per run, records per trigger, lost and duplicated (both must be 0),
 * and exits 1 otherwise. `--triggers N` (default 170), `--seed S` (default 42).
 */
export async function main(args: string[]): Promise<void> {
  const option = (name: string, fallback: number) => {
    const index = args.indexOf(name);
    return index >= 0 ? Number(args[index + 1]) : fallback;
  };
  const report = await runSoak({ triggers: option('--triggers', 170), seed: option('--seed', 42) });
  const pairs = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([key, value]) => `${key}: ${value}`)
      .join(', ');
  console.log(`## Soak with faults (seed ${option('--seed', 42)})`);
  console.log('');
  console.log(`triggers:            ${report.triggers}`);
  console.log(`executions:          ${report.executions}`);
  console.log(`jobs per run:        ${pairs(report.jobsPerRun)}`);
  console.log(`records per trigger: ${pairs(report.recordsPerTrigger)}`);
  console.log(`run outcomes:        ${pairs(report.statuses)}`);
  console.log(`faults injected:     ${pairs(report.faultsInjected)}`);
  console.log(`virtual time:        ${report.virtualHours.toFixed(1)} h in ${(report.realMs / 1000).toFixed(1)} s real`);
  console.log(`lost:                ${report.lost}`);
  console.log(`duplicated:          ${report.duplicated}`);
  if (report.lost !== 0 || report.duplicated !== 0) process.exitCode = 1;
}
