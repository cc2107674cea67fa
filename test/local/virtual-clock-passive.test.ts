import { VirtualClock } from '../../src/local/clock';

/** Lets the clock's idle check run (it waits a few turns of the event loop before each jump). */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

describe('VirtualClock passive wake-ups (a Personalize job\'s end)', () => {
  it('never moves the clock by itself', async () => {
    // Prepare
    const clock = new VirtualClock(0);
    let woken = false;

    // Act
    void clock.sleep(5000, undefined, { passive: true }).then(() => (woken = true));
    await settle();

    // Assess
    expect(clock.now()).toBe(0);
    expect(woken).toBe(false);
  });

  it('is woken at its own time, before a later wake-up that moves the clock past it', async () => {
    // Prepare
    const clock = new VirtualClock(0);
    const seen: Array<[string, number]> = [];

    // Act: the passive one's work holds the clock; the active one wakes only once it is done.
    void clock.sleep(5000, undefined, { passive: true }).then(() => clock.track(async () => void seen.push(['job ended', clock.now()])));
    const active = clock.sleep(60_000).then(() => void seen.push(['safety poll', clock.now()]));
    await active;

    // Assess
    expect(seen).toEqual([
      ['job ended', 5000],
      ['safety poll', 60_000],
    ]);
  });

  it('drops an aborted passive wake-up', async () => {
    const clock = new VirtualClock(0);
    const closing = new AbortController();
    let woken = false;
    void clock.sleep(5000, closing.signal, { passive: true }).then(() => (woken = !closing.signal.aborted));
    closing.abort();
    await clock.sleep(10_000);
    expect(woken).toBe(false);
    expect(clock.pending()).toBe(0);
  });
});
