/**
 * Time source for the local stand-ins and the local runner. Production code never sees this:
 * handlers take a plain `now()` function whose default is `Date.now`.
 */
export interface Clock {
  /** Milliseconds since the epoch, like `Date.now()`. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** What the local runner needs to pause: a Wait state, a retry interval, a Task's timeout. */
export interface Sleeper {
  /**
   * Resolves once `ms` milliseconds have passed on this clock; an aborted `signal` resolves it at
   * once and drops its wake-up (an execution that ended must not pull the clock forward).
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface VirtualClockOptions {
  /**
   * Consecutive idle turns of the event loop (with nothing tracked in flight) before the clock
   * jumps. Tracked work covers handlers and SDK requests; the idle turns cover the engine's own
   * promise chains between one state and the next. Default 3.
   */
  idleTurns?: number;
  /** Real milliseconds to pause before each jump, so a person can watch a run progress. Default 0. */
  realMsPerJump?: number;
}

interface WakeUp {
  at: number;
  order: number;
  wake: () => void;
  /** Woken when the clock reaches it, but never the reason the clock moves (see `sleep`). */
  passive: boolean;
}

/**
 * A discrete-event clock for many executions at once. Each pause (`sleep`) registers its own
 * wake-up time; the clock never moves while any tracked work is in flight (`track`: a handler
 * running, an SDK request on the wire, a trigger being delivered). Once nothing is in flight and the
 * event loop has stayed idle for a few turns, every execution is blocked on the clock, and it jumps
 * to the earliest wake-up and wakes everything due then, in registration order. So each execution
 * sees exactly its own waits elapse, however many run at once: the times it records are the ones
 * Step Functions would record.
 *
 * Why in-flight tracking plus idle turns rather than either alone: idle turns alone cannot see an
 * HTTP request between the client and a stand-in (the loopback round trip can span several turns),
 * and tracking alone cannot see the interpreter moving from one state to the next (plain promise
 * resolution). Both together are exact for this process, and deterministic: the same start gives
 * the same sequence of jumps.
 *
 * `advance(ms)` moves the clock directly, for tests of the stand-ins without executions.
 */
export class VirtualClock implements Clock, Sleeper {
  private currentMs: number;
  private inFlight = 0;
  /** Bumped by anything that could make an execution runnable; a jump needs it unchanged. */
  private activity = 0;
  private nextOrder = 0;
  private readonly wakeUps: WakeUp[] = [];
  private checking = false;
  private readonly idleTurns: number;
  private readonly realMsPerJump: number;

  constructor(startMs: number = Date.UTC(2026, 0, 1), options: VirtualClockOptions = {}) {
    this.currentMs = startMs;
    this.idleTurns = options.idleTurns ?? 3;
    this.realMsPerJump = options.realMsPerJump ?? 0;
  }

  now(): number {
    return this.currentMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`VirtualClock can only move forward by a finite amount, got ${ms}`);
    }
    this.currentMs += ms;
    this.activity++;
    this.wakeDue();
  }

  /**
   * Resolves once `ms` have passed on this clock. A `passive` wake-up (a Personalize job's end:
   * something that happens at its time whether or not anyone waits for it) is woken in order when
   * the clock reaches its time, but never moves the clock by itself: once only passive wake-ups
   * are left (every execution ended), the clock stands still, as it did before they existed.
   */
  sleep(ms: number, signal?: AbortSignal, options: { passive?: boolean } = {}): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) return Promise.reject(new RangeError(`Cannot sleep for ${ms} ms`));
    if (signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wakeUp: WakeUp = {
        at: this.currentMs + ms,
        order: this.nextOrder++,
        passive: options.passive === true,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.wakeUps.indexOf(wakeUp);
        if (index >= 0) this.wakeUps.splice(index, 1);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.wakeUps.push(wakeUp);
      this.activity++;
      this.scheduleCheck();
    });
  }

  /** Holds the clock still until `work` settles; returns what it returns. */
  async track<T>(work: Promise<T> | (() => Promise<T>)): Promise<T> {
    this.inFlight++;
    this.activity++;
    try {
      return await (typeof work === 'function' ? work() : work);
    } finally {
      this.inFlight--;
      this.activity++;
      this.scheduleCheck();
    }
  }

  /** Pending wake-ups (executions blocked on the clock), for tests and diagnostics. */
  pending(): number {
    return this.wakeUps.length;
  }

  /** Whether some wake-up may move the clock (see `sleep`'s passive ones). */
  private hasActiveWakeUp(): boolean {
    return this.wakeUps.some((wakeUp) => !wakeUp.passive);
  }

  private scheduleCheck(): void {
    if (this.checking || !this.hasActiveWakeUp()) return;
    this.checking = true;
    void this.waitForIdleThenJump();
  }

  private async waitForIdleThenJump(): Promise<void> {
    try {
      for (;;) {
        if (!this.hasActiveWakeUp() || this.inFlight > 0) return;
        const seen = this.activity;
        let idle = true;
        for (let turn = 0; turn < this.idleTurns && idle; turn++) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          idle = this.inFlight === 0 && this.activity === seen;
        }
        if (!idle) continue;
        if (this.realMsPerJump > 0) {
          await new Promise<void>((resolve) => setTimeout(resolve, this.realMsPerJump));
          if (this.inFlight > 0 || this.activity !== seen) continue;
        }
        this.jumpToEarliest();
      }
    } finally {
      this.checking = false;
      // Work that ended during the last turn may have left wake-ups behind with nobody checking.
      if (this.hasActiveWakeUp() && this.inFlight === 0) this.scheduleCheck();
    }
  }

  private jumpToEarliest(): void {
    // A wake-up may have been cancelled during the idle turns.
    if (!this.hasActiveWakeUp()) return;
    const earliest = Math.min(...this.wakeUps.map((wakeUp) => wakeUp.at));
    if (earliest > this.currentMs) this.currentMs = earliest;
    this.activity++;
    this.wakeDue();
  }

  private wakeDue(): void {
    const due = this.wakeUps.filter((wakeUp) => wakeUp.at <= this.currentMs).sort((a, b) => a.order - b.order);
    if (due.length === 0) return;
    for (const wakeUp of due) this.wakeUps.splice(this.wakeUps.indexOf(wakeUp), 1);
    for (const wakeUp of due) wakeUp.wake();
  }
}

/**
 * Real-time pauses (`local up`), shortened by `scale`, capped at `maxMs`, and never shorter than
 * `minMs` (or the pause itself, when it is shorter): a floor for timeouts computed from real elapsed
 * time, which a scale alone would shrink into a busy loop.
 */
export function realTimeSleeper(options: { scale: number; maxMs: number; minMs?: number }): Sleeper {
  return {
    sleep(ms, signal) {
      const real = Math.min(options.maxMs, Math.max(Math.round(ms * options.scale), Math.min(ms, options.minMs ?? 0)));
      return new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const timer = setTimeout(done, real);
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        }
        signal?.addEventListener('abort', done, { once: true });
      });
    },
  };
}
