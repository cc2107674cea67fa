import { onCapacityRefused, type CapacityPolicy, type CapacityState } from '../src/domain/capacity-policy';
import { initialPollState, nextPollState, type PollingPolicy, type PollState } from '../src/domain/polling-policy';
import { secondsSince } from '../src/domain/time';

export interface SlotQueueModelOptions {
  runs: number;
  slots: number;
  /** How long each job holds its slot (CREATE PENDING + CREATE IN_PROGRESS), in ms. */
  jobMs: number;
  polling: PollingPolicy;
  capacity: CapacityPolicy;
  random: () => number;
}

export interface ModelledRun {
  /** Virtual ms from the common start to the recording step. */
  doneAtMs: number;
  outcome: 'ACTIVE' | 'GAVE_UP';
  capacityAttempts: number;
  polls: number;
}

/**
 * A discrete-event model of N runs started together against one account's job quota, using the
 * domain's own policies (the ones the Lambda handlers apply): a run asks for a job; with a slot free
 * it gets one and polls on the polling policy's schedule until a poll sees the job finished; without
 * one it waits on the capacity policy and asks again. Handler code takes no time; events due at the
 * same instant run in the order they were scheduled. It says nothing about Step Functions or the
 * stand-ins, so agreement with a local run checks the local clock, not the model.
 */
export function modelSlotQueue(options: SlotQueueModelOptions): { runs: ModelledRun[]; makespanMs: number } {
  type Event = { at: number; seq: number; run: number; kind: 'start' | 'poll' };
  const events: Event[] = [];
  let seq = 0;
  const schedule = (run: number, kind: Event['kind'], at: number) => events.push({ at, seq: seq++, run, kind });
  const jobCreatedAt: number[] = [];
  const queued: Array<CapacityState | undefined> = [];
  const polls: Array<PollState | undefined> = [];
  const results: ModelledRun[] = [];
  const attempts: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    attempts[run] = 0;
    schedule(run, 'start', 0);
  }
  while (events.length > 0) {
    events.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const event = events.shift() as Event;
    const now = event.at;
    if (event.kind === 'start') {
      // The stand-in's quota counts jobs that are pending or in progress now; one due now has freed its slot.
      const inUse = jobCreatedAt.filter((created) => created !== undefined && now < created + options.jobMs).length;
      if (inUse < options.slots) {
        jobCreatedAt[event.run] = now;
        const poll = initialPollState(options.polling);
        polls[event.run] = poll;
        schedule(event.run, 'poll', now + poll.waitSeconds * 1000);
        continue;
      }
      attempts[event.run] = (attempts[event.run] ?? 0) + 1;
      const decision = onCapacityRefused(options.capacity, queued[event.run], 'LimitExceededException', now, options.random);
      if ('giveUp' in decision) {
        results[event.run] = { doneAtMs: now, outcome: 'GAVE_UP', capacityAttempts: attempts[event.run] ?? 0, polls: 0 };
        continue;
      }
      queued[event.run] = decision.wait;
      schedule(event.run, 'start', now + decision.wait.waitSeconds * 1000);
      continue;
    }
    const created = jobCreatedAt[event.run] ?? 0;
    const status = now >= created + options.jobMs ? 'ACTIVE' : 'CREATE IN_PROGRESS';
    const poll = nextPollState(options.polling, polls[event.run] ?? { count: 0 }, { status }, secondsSince(new Date(created).toISOString(), now));
    polls[event.run] = poll;
    if (poll.terminal || poll.timedOut) {
      results[event.run] = { doneAtMs: now, outcome: 'ACTIVE', capacityAttempts: attempts[event.run] ?? 0, polls: poll.count };
    } else {
      schedule(event.run, 'poll', now + poll.waitSeconds * 1000);
    }
  }
  return { runs: results, makespanMs: Math.max(...results.map((run) => run.doneAtMs)) };
}
