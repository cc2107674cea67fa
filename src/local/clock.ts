/**
 * Time source for the local stand-ins and the local runner. Production code never sees this:
 * handlers take a plain `now()` function whose default is `Date.now`.
 */
export interface Clock {
  /** Milliseconds since the epoch, like `Date.now()`. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that only moves when told to. The local runner advances it by each Wait state's
 * duration, so a job that "takes" an hour in the Personalize stand-in completes after an hour of
 * waits while the run itself takes milliseconds. Tests advance it directly.
 */
export class VirtualClock implements Clock {
  private currentMs: number;

  constructor(startMs: number = Date.UTC(2026, 0, 1)) {
    this.currentMs = startMs;
  }

  now(): number {
    return this.currentMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`VirtualClock can only move forward by a finite amount, got ${ms}`);
    }
    this.currentMs += ms;
  }
}
