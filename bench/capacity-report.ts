import { onCapacityRefused, PREVIOUS_CAPACITY_POLICY as DEFAULT_CAPACITY_POLICY, type CapacityState } from './previous-capacity-backoff';
import { expectedDurationFrom, type FinishedRunSample } from '../src/domain/expected-duration';
import { DEFAULT_POLLING_POLICY } from '../src/domain/polling-policy';
import { seededRandom } from '../src/local/faults/fault-plan';
import { detectWithPolicy } from './polling-model';

export interface CapacityScenario {
  runs: number;
  slots: number;
  jobSeconds: number;
  /** Run i is triggered i × this after the first, so "first come" has a meaning. */
  arrivalGapSeconds: number;
  maxQueueSeconds: number;
}

export interface CapacityOutcome {
  /** Last run's completion (the check that saw its job finished) after the first arrival, in seconds. */
  makespanSeconds: number;
  /** CreateBatchInferenceJob calls per run, refusals included. */
  createCalls: number[];
  /** Per run (arrival order): when its job was created, undefined if it never got a slot. */
  startedAt: Array<number | undefined>;
  /** Arrival ranks (0 = first) of the runs that gave up after `maxQueueSeconds`. */
  failed: number[];
}

type Event = { at: number; seq: number; run: number; kind: 'create' | 'detected' | 'deadline' };

/** A tiny discrete-event loop: earliest first, then in scheduling order. */
class Agenda {
  private readonly events: Event[] = [];

  private seq = 0;

  add(run: number, kind: Event['kind'], at: number): void {
    this.events.push({ at, seq: this.seq++, run, kind });
  }

  next(): Event | undefined {
    this.events.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return this.events.shift();
  }
}

/**
 * The detection of a job's end, on the product's polling policy with the history of the runs
 * that finished before this one started (all runs are one group), newest first.
 */
function detectionSeconds(history: FinishedRunSample[], jobSeconds: number): number {
  const detection = detectWithPolicy({ ...DEFAULT_POLLING_POLICY, expected: expectedDurationFrom(history) }, jobSeconds);
  history.unshift({ jobStatus: 'ACTIVE', elapsedSeconds: detection.detectedAtSeconds });
  return detection.detectedAtSeconds;
}

/**
 * Today's capacity loop (`src/domain/capacity-policy.ts`, unchanged): a refused Create waits a
 * jittered backoff (`onCapacityRefused`) and tries again; Personalize frees a slot the moment a job
 * ends; a run gives up when its next wait would pass `maxQueueSeconds`.
 */
export function simulateBackoff(scenario: CapacityScenario, random: () => number): CapacityOutcome {
  const agenda = new Agenda();
  const createCalls = Array.from({ length: scenario.runs }, () => 0);
  const startedAt: Array<number | undefined> = [];
  const queued: Array<CapacityState | undefined> = [];
  const failed: number[] = [];
  const history: FinishedRunSample[] = [];
  let makespan = 0;
  for (let run = 0; run < scenario.runs; run++) agenda.add(run, 'create', run * scenario.arrivalGapSeconds);
  for (let event = agenda.next(); event; event = agenda.next()) {
    const { run, at } = event;
    if (event.kind === 'detected') {
      makespan = Math.max(makespan, at);
      continue;
    }
    createCalls[run] = (createCalls[run] ?? 0) + 1;
    const inUse = startedAt.filter((start) => start !== undefined && at < start + scenario.jobSeconds).length;
    if (inUse < scenario.slots) {
      startedAt[run] = at;
      agenda.add(run, 'detected', at + detectionSeconds(history, scenario.jobSeconds));
      continue;
    }
    const decision = onCapacityRefused({ ...DEFAULT_CAPACITY_POLICY, maxQueueSeconds: scenario.maxQueueSeconds }, queued[run], 'LimitExceededException', at * 1000, random);
    if ('giveUp' in decision) {
      failed.push(run);
      continue;
    }
    queued[run] = decision.wait;
    agenda.add(run, 'create', at + decision.wait.waitSeconds);
  }
  return { makespanSeconds: makespan, createCalls, startedAt, failed };
}

/**
 * A MODEL of the admission queue (the product's own runs through the state machine in
 * `npm run bench:virtual-time`): a run that finds every slot taken waits in FIFO order and is woken when a run sees its job
 * finished (so detection lag delays the next start); it then makes its one Create. A waiter still
 * queued `maxQueueSeconds` after it arrived gives up.
 */
export function simulateFifo(scenario: CapacityScenario): CapacityOutcome {
  const agenda = new Agenda();
  const createCalls = Array.from({ length: scenario.runs }, () => 0);
  const startedAt: Array<number | undefined> = [];
  const failed: number[] = [];
  const waiting: number[] = [];
  const history: FinishedRunSample[] = [];
  let held = 0;
  let makespan = 0;
  const admit = (run: number, at: number) => {
    held += 1;
    createCalls[run] = 1;
    startedAt[run] = at;
    agenda.add(run, 'detected', at + detectionSeconds(history, scenario.jobSeconds));
  };
  for (let run = 0; run < scenario.runs; run++) agenda.add(run, 'create', run * scenario.arrivalGapSeconds);
  for (let event = agenda.next(); event; event = agenda.next()) {
    const { run, at } = event;
    if (event.kind === 'create') {
      if (held < scenario.slots) admit(run, at);
      else {
        waiting.push(run);
        agenda.add(run, 'deadline', at + scenario.maxQueueSeconds);
      }
    } else if (event.kind === 'deadline') {
      const position = waiting.indexOf(run);
      if (position >= 0) {
        waiting.splice(position, 1);
        failed.push(run);
      }
    } else {
      makespan = Math.max(makespan, at);
      held -= 1;
      const next = waiting.shift();
      if (next !== undefined) admit(next, at);
    }
  }
  return { makespanSeconds: makespan, createCalls, startedAt, failed };
}

/** Share of pairs (i arrived before j, both started) where j's job was created before i's. */
export function invertedPairs(startedAt: Array<number | undefined>): { inverted: number; pairs: number } {
  let inverted = 0;
  let pairs = 0;
  for (let i = 0; i < startedAt.length; i++) {
    for (let j = i + 1; j < startedAt.length; j++) {
      const a = startedAt[i];
      const b = startedAt[j];
      if (a === undefined || b === undefined) continue;
      pairs += 1;
      if (b < a) inverted += 1;
    }
  }
  return { inverted, pairs };
}

const SCENARIO: CapacityScenario = { runs: 50, slots: 5, jobSeconds: 3600, arrivalGapSeconds: 1, maxQueueSeconds: 24 * 3600 };
const SEEDS = [1, 2, 3, 4, 5];

function summary(outcomes: CapacityOutcome[], withDefault: CapacityOutcome[], scenario: CapacityScenario): string[] {
  const ideal = (scenario.runs * scenario.jobSeconds) / scenario.slots;
  const range = (values: number[], digits: number) => {
    const low = Math.min(...values).toFixed(digits);
    const high = Math.max(...values).toFixed(digits);
    return low === high ? low : `${low}–${high}`;
  };
  const creates = outcomes.map((outcome) => outcome.createCalls.reduce((sum, calls) => sum + calls, 0) / scenario.runs);
  const inversions = outcomes.map((outcome) => {
    const { inverted, pairs } = invertedPairs(outcome.startedAt);
    return (100 * inverted) / pairs;
  });
  const failures = withDefault.map((outcome) => outcome.failed.length);
  const newestOnly = withDefault.map((outcome) => outcome.failed.every((rank) => rank >= scenario.runs - outcome.failed.length));
  return [
    range(outcomes.map((outcome) => outcome.makespanSeconds / ideal), 3),
    range(creates, 1),
    `${range(inversions, 1)} %`,
    range(failures, 0),
    newestOnly.every(Boolean) ? 'yes' : newestOnly.some(Boolean) ? 'not always' : 'no',
  ];
}

/** The capacity model table: the previous backoff (5 seeds of its jitter) beside a model of the FIFO admission queue. */
export function capacityReport(scenario: CapacityScenario = SCENARIO): string {
  const defaultQueue = { ...scenario, maxQueueSeconds: DEFAULT_CAPACITY_POLICY.maxQueueSeconds };
  const backoff = summary(
    SEEDS.map((seed) => simulateBackoff(scenario, seededRandom(seed))),
    SEEDS.map((seed) => simulateBackoff(defaultQueue, seededRandom(seed))),
    scenario,
  );
  const fifo = summary([simulateFifo(scenario)], [simulateFifo(defaultQueue)], scenario);
  return [
    '## Capacity: a backlog on the job quota\n',
    `${scenario.runs} runs of ${scenario.jobSeconds / 3600}-hour jobs, triggered ${scenario.arrivalGapSeconds} s apart, on ${scenario.slots} slots ` +
      `(ideal makespan ${(scenario.runs * scenario.jobSeconds) / scenario.slots / 3600} h). Discrete-event simulations, not the state machine: ` +
      'the backoff row runs the previous policy, retrying Create with a jittered backoff (`bench/previous-capacity-backoff.ts`; seeds ' +
      `${SEEDS.join(', ')} of its jitter; ranges over them); the FIFO row is a MODEL of the job slot queue that replaced it, ` +
      'woken when a run sees its job end (the queue itself, through the state machine, is the virtual-time table). Both detect a job end with the product\'s polling policy and history. ' +
      `Makespan, Creates and inversions with maxQueueSeconds ${scenario.maxQueueSeconds / 3600} h (every run starts); failures with the default ` +
      `${DEFAULT_CAPACITY_POLICY.maxQueueSeconds / 3600} h.\n`,
    '| admission | makespan ÷ ideal | CreateBatchInferenceJob calls/run | inverted pairs | failed (6 h) | failures only the newest |',
    '|---|--:|--:|--:|--:|--:|',
    `| backoff with jitter (previous policy) | ${backoff.join(' | ')} |`,
    `| FIFO admission queue (model) | ${fifo.join(' | ')} |`,
  ].join('\n');
}
