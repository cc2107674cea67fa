/*
 * Top-K selection without sorting every candidate: a bounded binary heap whose root is the worst of the
 * K best seen so far. Scoring a record costs O(N log K) comparisons instead of O(N log N), and only K
 * candidates are ever held, which matters once catalogs reach the tens of thousands of items that
 * Personalize trains on.
 */

/**
 * The `k` best of `candidates`, best first: exactly `[...candidates].filter(include).sort(compare).slice(0, k)`
 * when `compare` is a total order (no two candidates compare equal), without sorting all of them.
 *
 * @param candidates - Scanned once, in order.
 * @param k - How many to keep; 0 or less gives `[]`, more than there are gives them all, sorted.
 * @param compare - Negative when `a` ranks before (is better than) `b`, as for `Array.prototype.sort`.
 * @param include - Candidates for which this returns false are skipped.
 * @example
 * selectTop([5, 1, 4, 2], 2, (a, b) => b - a); // [5, 4]
 */
export function selectTop<T>(candidates: readonly T[], k: number, compare: (a: T, b: T) => number, include?: (candidate: T) => boolean): T[] {
  if (!(k > 0)) return [];
  const heap: T[] = [];
  // The root (heap[0]) ranks last of those kept: a min-heap by rank, "worse" on top.
  const worse = (a: T, b: T) => compare(a, b) > 0;
  for (const candidate of candidates) {
    if (include && !include(candidate)) continue;
    if (heap.length < k) {
      heap.push(candidate);
      siftUp(heap, heap.length - 1, worse);
    } else if (compare(candidate, heap[0]!) < 0) {
      heap[0] = candidate;
      siftDown(heap, 0, worse);
    }
  }
  return heap.sort(compare);
}

function siftUp<T>(heap: T[], index: number, worse: (a: T, b: T) => boolean): void {
  const item = heap[index]!;
  let child = index;
  while (child > 0) {
    const parent = (child - 1) >> 1;
    if (!worse(item, heap[parent]!)) break;
    heap[child] = heap[parent]!;
    child = parent;
  }
  heap[child] = item;
}

function siftDown<T>(heap: T[], index: number, worse: (a: T, b: T) => boolean): void {
  const item = heap[index]!;
  const size = heap.length;
  let parent = index;
  for (;;) {
    const left = 2 * parent + 1;
    if (left >= size) break;
    const right = left + 1;
    const worst = right < size && worse(heap[right]!, heap[left]!) ? right : left;
    if (!worse(heap[worst]!, item)) break;
    heap[parent] = heap[worst]!;
    parent = worst;
  }
  heap[parent] = item;
}
