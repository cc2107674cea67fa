import type { S3EventRecord } from 'aws-lambda';
import { decodeS3EventKey } from '../src/domain/s3-event';
import { seededRandom } from '../src/local/faults';

/** How the deliveries are mixed; every choice is drawn from one seeded generator. */
export interface FanInMix {
  /** Duplicate deliveries on top of the one delivery each object gets (S3 is at-least-once). */
  duplicates: number;
  /**
   * How many of the duplicates are delivered concurrently with their original: in a second
   * invocation started in the same tick as the original's, so both are in flight at once. The rest
   * arrive later in the stream (some still while the original is in flight, some after).
   */
  concurrentDuplicates: number;
  /** Records per invocation: each invocation carries 1 to `maxBatch` records, uniformly. */
  maxBatch: number;
  seed: number;
}

/**
 * One unit of dispatch: the invocations (each a batch of records) that start in the same tick.
 * Usually one; two when a batch has a concurrent twin carrying duplicates of its records.
 */
export type DispatchUnit = S3EventRecord[][];

export interface FanInSchedule {
  units: DispatchUnit[];
  /** Deliveries of each object (decoded key): 1 + its duplicates, the count its run record must show. */
  deliveriesByKey: Map<string, number>;
  deliveries: number;
  invocations: number;
  concurrentDuplicates: number;
  laterDuplicates: number;
}

/**
 * Mixes one notification record per object with `duplicates` redeliveries of them in a seeded
 * random order: the originals shuffled and cut into batches of 1..maxBatch records; each duplicate
 * is the same record again (same bucket, key, ETag, sequencer, event time), for an object drawn at
 * random with replacement (an object may be delivered three times or more). The first
 * `concurrentDuplicates` go into a twin invocation that starts with their original's batch (drawn
 * again while the twin is full or already holds the record; `concurrentDuplicates` in the result
 * says how many found one); the others into a batch later in the stream (appended to a random
 * later batch, or a batch of their own there when that one is full).
 *
 * @throws Error when there are duplicates but no originals to duplicate.
 */
export function mixDeliveries(originals: S3EventRecord[], mix: FanInMix): FanInSchedule {
  if (mix.duplicates > 0 && originals.length === 0) throw new Error('duplicates need at least one original');
  const random = seededRandom(mix.seed);
  const pick = (size: number) => Math.floor(random() * size);
  const shuffled = [...originals];
  for (let index = shuffled.length - 1; index > 0; index--) {
    const other = pick(index + 1);
    [shuffled[index], shuffled[other]] = [shuffled[other] as S3EventRecord, shuffled[index] as S3EventRecord];
  }

  // Each unit starts as one batch of originals; a record's unit is where its original is delivered.
  const units: DispatchUnit[] = [];
  const unitOf = new Map<S3EventRecord, number>();
  for (let start = 0; start < shuffled.length; ) {
    const batch = shuffled.slice(start, start + 1 + pick(mix.maxBatch));
    batch.forEach((record) => unitOf.set(record, units.length));
    units.push([batch]);
    start += batch.length;
  }

  const later: Array<{ record: S3EventRecord; after: number }> = [];
  let concurrent = 0;
  const draw = () => shuffled[pick(shuffled.length)] as S3EventRecord;
  // A twin carries each record at most once and stays within a batch's size.
  const fitsTwin = (record: S3EventRecord) => {
    const twin = units[unitOf.get(record) ?? 0]?.[1] ?? [];
    return !twin.includes(record) && twin.length < mix.maxBatch;
  };
  for (let count = 0; count < mix.duplicates; count++) {
    const wantsTwin = count < mix.concurrentDuplicates;
    let record = draw();
    for (let attempt = 0; wantsTwin && !fitsTwin(record) && attempt < 100; attempt++) record = draw();
    const home = unitOf.get(record) ?? 0;
    const unit = units[home] as DispatchUnit;
    const twin = unit[1] ?? [];
    if (wantsTwin && fitsTwin(record)) {
      // In front: the twin takes its records in an order of its own (reversed draws), not its original's.
      twin.unshift(record);
      unit[1] = twin;
      concurrent++;
    } else {
      later.push({ record, after: home });
    }
  }
  // Later duplicates, last position first so the indexes still to be used stay valid.
  const placed = later.map(({ record, after }) => ({ record, at: after + 1 + pick(units.length - after) }));
  placed.sort((a, b) => b.at - a.at);
  for (const { record, at } of placed) {
    const target = units[at]?.[0];
    if (target && target.length < mix.maxBatch) target.splice(pick(target.length + 1), 0, record);
    else units.splice(at, 0, [[record]]);
  }

  const deliveriesByKey = new Map<string, number>();
  for (const batch of units.flat()) {
    for (const record of batch) {
      const key = decodeS3EventKey(record.s3.object.key);
      deliveriesByKey.set(key, (deliveriesByKey.get(key) ?? 0) + 1);
    }
  }
  return {
    units,
    deliveriesByKey,
    deliveries: originals.length + mix.duplicates,
    invocations: units.reduce((sum, unit) => sum + unit.length, 0),
    concurrentDuplicates: concurrent,
    laterDuplicates: mix.duplicates - concurrent,
  };
}
