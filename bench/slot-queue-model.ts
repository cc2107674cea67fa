import { initialPollState, nextPollState, type PollingPolicy, type PollState } from '../src/domain/polling-policy';
import { secondsSince } from '../src/domain/time';

export interface SlotQueueModelOptions {
  runs: number;
  slots: number;
  /** How long each job holds its slot (CREATE PENDING + CREATE IN_PROGRESS), in ms. */
  jobMs: number;
  /** Virtual ms from the common start at which run `i` arrives (default: all at 0). */
  arrivalMs?: (run: number) => number;
  polling: PollingPolicy;
  /** How long a run may wait for a slot, in seconds. */
  maxQueueSeconds: number;
}

export interface ModelledRun {
  /** Virtual ms from the common start to the job's creation (undefined: it never got a slot). */
  startedAtMs: number | undefined;
  /** Virtual ms from the common start to the poll that saw the job end (or to the give-up). */
  doneAtMs: number;
  outcome: 'ACTIVE' | 'GAVE_UP';
  polls: number;
}

/**
 * The ideal the queue is measured against: a FIFO semaphore of `slots` slots, where a slot passes
 * to the next run the instant a job ends (no detection lag, no call beyond one create per run), and
 * a run that cannot start within `maxQueueSeconds` of its arrival gives up. Each started run is
 * then polled on the domain's own polling policy, as the handlers do. It knows nothing of Step
 * Functions or the stand-ins: the local run is compared with it, not derived from it.
 */
export function modelSlotQueue(options: SlotQueueModelOptions): { runs: ModelledRun[]; makespanMs: number } {
  const arrival = options.arrivalMs ?? (() => 0);
  const slotFreeAt: number[] = Array<number>(options.slots).fill(0);
  const order = Array.from({ length: options.runs }, (_, run) => run).sort((a, b) => arrival(a) - arrival(b) || a - b);
  const results: ModelledRun[] = [];
  for (const run of order) {
    slotFreeAt.sort((a, b) => a - b);
    const start = Math.max(arrival(run), slotFreeAt[0] ?? 0);
    if (start - arrival(run) > options.maxQueueSeconds * 1000) {
      results[run] = { startedAtMs: undefined, doneAtMs: arrival(run) + options.maxQueueSeconds * 1000, outcome: 'GAVE_UP', polls: 0 };
      continue;
    }
    slotFreeAt[0] = start + options.jobMs;
    results[run] = { startedAtMs: start, ...pollUntilDone(start, options) };
  }
  return { runs: results, makespanMs: Math.max(...results.map((run) => run.doneAtMs)) };
}

function pollUntilDone(createdAt: number, options: SlotQueueModelOptions): { doneAtMs: number; outcome: 'ACTIVE'; polls: number } {
  let poll: PollState = initialPollState(options.polling);
  let now = createdAt;
  for (;;) {
    now += poll.waitSeconds * 1000;
    const status = now >= createdAt + options.jobMs ? 'ACTIVE' : 'CREATE IN_PROGRESS';
    poll = nextPollState(options.polling, poll, { status }, secondsSince(new Date(createdAt).toISOString(), now));
    if (poll.terminal || poll.timedOut) return { doneAtMs: now, outcome: 'ACTIVE', polls: poll.count };
  }
}
