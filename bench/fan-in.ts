import { checkFanIn, type FanInOptions, type FanInPhase, type FanInResult } from './fan-in-check';

/**
 * `npm run bench:fan-in` (part of `npm run bench`): issue 10's fan-in. 1,000 S3 ObjectCreated
 * deliveries (700 uploaded objects, 300 redeliveries of them, 100 of those concurrently with their
 * original) through the local trigger, several invocations in flight, then what the stand-ins hold:
 * executions (ListExecutions), duplicates started, run records (the runs table). Then the same
 * duplicates once more after every run closed, and two baselines in the same run (see
 * bench/README.md). Exits 1 if any row starts other than one execution per object, loses or fails
 * a delivery, or miscounts deliveries on a record.
 *
 * Options: `--objects N` (700), `--duplicates N` (300), `--concurrent N` (100), `--max-batch N`
 * (10), `--in-flight N` (8), `--seed N` (10), `--rounds N` (1; rates become medians over the
 * rounds), `--runs-proceed` (let the runs go on to their first Wait in this process instead of
 * holding them at their first Task).
 */
export async function main(args: string[]): Promise<void> {
  const option = (name: string, fallback: number) => {
    const index = args.indexOf(name);
    const value = index >= 0 ? Number(args[index + 1]) : fallback;
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} takes a whole number, got ${args[index + 1] ?? '(nothing)'}`);
    return value;
  };
  const objects = option('--objects', 700);
  const duplicates = option('--duplicates', 300);
  const fanIn: FanInOptions = {
    objects,
    duplicates,
    concurrentDuplicates: option('--concurrent', 100),
    maxBatch: option('--max-batch', 10),
    inFlight: option('--in-flight', 8),
    seed: option('--seed', 10),
    holdRuns: !args.includes('--runs-proceed'),
  };
  const deliveries = objects + duplicates;
  const scenarios: Array<{ name: string; options: FanInOptions }> = [
    {
      name: `fan-in: ${percent(duplicates, deliveries)} duplicates, 1–${fanIn.maxBatch} records per invocation, ${fanIn.inFlight} in flight`,
      options: { ...fanIn, redeliverAfterClose: true },
    },
    {
      name: 'baseline: no duplicates (every delivery a new object), same batches and concurrency',
      options: { ...fanIn, objects: deliveries, duplicates: 0, concurrentDuplicates: 0 },
    },
    {
      name: 'baseline: the fan-in’s deliveries one at a time (1 record per invocation, 1 in flight)',
      options: { ...fanIn, concurrentDuplicates: 0, maxBatch: 1, inFlight: 1 },
    },
  ];

  // The fan-in once first, not recorded. The first large fan-in in a process used up to 1.5-2x the
  // CPU per event of the same one run again (JIT, heap growth; a 100-delivery warm-up was not
  // enough), which made whichever row came first look slowest for that alone.
  await checkFanIn(fanIn);

  const rounds = Math.max(1, option('--rounds', 1));
  // Rounds go round-robin over the scenarios, so a burst of other work hits them alike.
  const byScenario: PhaseRow[][][] = scenarios.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [index, scenario] of scenarios.entries()) byScenario[index]?.push(phaseRows(scenario.name, await checkFanIn(scenario.options)));
  }

  console.log(`## Fan-in: ${fmt(deliveries)} S3 deliveries through the trigger (seed ${fanIn.seed}${rounds > 1 ? `; rates are medians of ${rounds} rounds` : ''})`);
  console.log('');
  console.log(
    '| scenario | deliveries | distinct objects | duplicate deliveries (concurrent) | invocations | executions started | duplicates started | ' +
      'records in runs table | deliveries on records | events/s (wall) | CPU ms per event | p50 ms | p95 ms | check |',
  );
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|');
  const notes: string[] = [];
  let failed = false;
  for (const roundsOfScenario of byScenario) {
    const phaseCount = roundsOfScenario[0]?.length ?? 0;
    for (let index = 0; index < phaseCount; index++) {
      const runs = roundsOfScenario.map((phases) => phases[index] as PhaseRow);
      const ok = runs.every(passes);
      failed ||= !ok;
      // Counts from a failing round if there is one (they are the same in every passing round).
      const shown = runs.find((run) => !passes(run)) ?? (runs[runs.length - 1] as PhaseRow);
      console.log(row(shown, runs, ok));
      const { phase } = shown;
      notes.push(
        `- ${shown.name.split(':')[0]}: the trigger's own summaries said started ${phase.summaries.started}, duplicates ${phase.summaries.duplicates}` +
          `${phase.summaries.ignored > 0 ? `, ignored ${phase.summaries.ignored}` : ''}; ${phase.failedInvocations} invocations failed after Lambda's retries; ` +
          `${runs.map((run) => (run.phase.wallMs / 1000).toFixed(1)).join(', ')} s wall.`,
      );
    }
  }
  console.log('');
  console.log(notes.join('\n'));
  console.log('');
  console.log(
    'Executions, duplicates started and records are read back from the stand-ins (ListExecutions + DescribeExecution, a Scan of the runs table), ' +
      'totals so far. ' +
      (fanIn.holdRuns
        ? 'Runs are held at their first Task (its Lambda fails before running; the Retry waits on the virtual clock, held still), then stopped: the time is the trigger path.'
        : 'Runs went on to their first Wait in this same process while deliveries arrived (--runs-proceed): the time includes their work.'),
  );
  if (failed) process.exitCode = 1;
}

/** A scenario's phases as table rows: the fan-in, and the redelivery after close if there was one. */
function phaseRows(name: string, result: FanInResult): PhaseRow[] {
  const { objects, fanIn: first, afterClose } = result;
  const rows: PhaseRow[] = [
    { name, objects, phase: first, deliveriesSoFar: first.schedule.deliveries, duplicateDeliveries: first.schedule.deliveries - first.schedule.deliveriesByKey.size },
  ];
  if (afterClose) {
    rows.push({
      name: `then the same ${fmt(afterClose.schedule.deliveries)} duplicates again, after every run closed`,
      objects,
      phase: afterClose,
      deliveriesSoFar: first.schedule.deliveries + afterClose.schedule.deliveries,
      duplicateDeliveries: afterClose.schedule.deliveries,
    });
  }
  return rows;
}

interface PhaseRow {
  name: string;
  objects: number;
  phase: FanInPhase;
  /** Deliveries over this scenario's phases so far: what the run records must add up to. */
  deliveriesSoFar: number;
  /** In the fan-in, every delivery beyond an object's first; after the runs closed, all of them. */
  duplicateDeliveries: number;
}

/** One execution per object, no delivery lost or failed, every delivery so far counted once on its run's record. */
function passes({ phase, objects, deliveriesSoFar }: PhaseRow): boolean {
  return (
    phase.executionsStarted === objects &&
    phase.duplicatesStarted === 0 &&
    phase.objectsWithoutRun === 0 &&
    phase.runRecords === objects &&
    phase.deliveriesRecorded === deliveriesSoFar &&
    phase.recordsWithWrongDeliveries === 0 &&
    phase.failedInvocations === 0
  );
}

/** Counts from `shown`; rates and latencies the median over `runs` (the rounds). */
function row(shown: PhaseRow, runs: PhaseRow[], ok: boolean): string {
  const { phase, objects, duplicateDeliveries } = shown;
  const { schedule } = phase;
  const median = (value: (run: FanInPhase) => number) => quantile(runs.map((run) => value(run.phase)).sort((a, b) => a - b), 0.5);
  const cells = [
    shown.name,
    fmt(schedule.deliveries),
    fmt(objects),
    `${fmt(duplicateDeliveries)} (${fmt(schedule.concurrentDuplicates)})`,
    fmt(schedule.invocations),
    fmt(phase.executionsStarted),
    fmt(phase.duplicatesStarted),
    fmt(phase.runRecords),
    fmt(phase.deliveriesRecorded),
    fmt(median((run) => run.schedule.deliveries / (run.wallMs / 1000))),
    fmt(median((run) => run.cpuMs / run.schedule.deliveries), 2),
    fmt(median((run) => quantile(run.invocationMs, 0.5)), 1),
    fmt(median((run) => quantile(run.invocationMs, 0.95)), 1),
    ok ? 'PASS' : 'FAIL',
  ];
  return `| ${cells.join(' | ')} |`;
}

/** Nearest rank: one of the invocations that actually happened. `values` sorted ascending. */
function quantile(values: number[], q: number): number {
  return values[Math.min(values.length - 1, Math.max(0, Math.ceil(q * values.length) - 1))] ?? Number.NaN;
}

const fmt = (value: number, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';

const percent = (part: number, whole: number) => `${whole === 0 ? 0 : Math.round((100 * part) / whole)} %`;
