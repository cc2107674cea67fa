import { VirtualClock, type Sleeper } from './clock';
import type { StepFunctionsStandIn } from './step-functions';

/** serverless.yml's `rate(5 minutes)` for sweepJobSlots. */
export const SWEEP_JOB_SLOTS_EVERY_MS = 5 * 60 * 1000;

export interface JobSlotsScheduleOptions {
  /** The virtual clock (the sweep then holds it still while it runs), or a real-time sleeper. */
  sleeper: Sleeper;
  stepFunctions: Pick<StepFunctionsStandIn, 'executions' | 'onHistoryEvent'>;
  /** The sweep, as the EventBridge schedule invokes it; an error is reported, as Lambda would log it, and the schedule goes on. */
  sweep: () => Promise<unknown>;
  /** Default {@link SWEEP_JOB_SLOTS_EVERY_MS}. */
  everyMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * The 5-minute EventBridge schedule of sweepJobSlots, in local mode. It fires only while an
 * execution is running: nothing can hold a slot or wait for one otherwise, and in virtual time a
 * schedule firing forever would keep the discrete-event clock jumping with nothing to do. It
 * resumes at the next ExecutionStarted. In virtual time each tick is a wake-up on the clock, and the
 * sweep holds the clock while it runs, as every other local invocation does.
 *
 * @returns the stop function (called by `close()`).
 */
export function scheduleJobSlotSweeps(options: JobSlotsScheduleOptions): () => void {
  const everyMs = options.everyMs ?? SWEEP_JOB_SLOTS_EVERY_MS;
  const stop = new AbortController();
  let resume: (() => void) | undefined;
  const unsubscribe = options.stepFunctions.onHistoryEvent((_arn, event) => {
    if (event.type === 'ExecutionStarted') resume?.();
  });
  const running = () => options.stepFunctions.executions().some((execution) => execution.status === 'RUNNING');
  const sleep = (ms: number) => options.sleeper.sleep(ms, stop.signal);
  const clock = options.sleeper instanceof VirtualClock ? options.sleeper : undefined;
  const track = <T>(work: () => Promise<T>) => (clock ? clock.track(work) : work());

  void (async () => {
    while (!stop.signal.aborted) {
      if (!running()) {
        await new Promise<void>((resolve) => {
          const onStop = () => resolve();
          resume = () => {
            stop.signal.removeEventListener('abort', onStop);
            resolve();
          };
          stop.signal.addEventListener('abort', onStop, { once: true });
        });
        resume = undefined;
        continue;
      }
      await sleep(everyMs);
      if (stop.signal.aborted || !running()) continue;
      await track(() => options.sweep()).catch((error: unknown) => options.onError?.(error));
    }
  })();

  return () => {
    unsubscribe();
    stop.abort();
  };
}
