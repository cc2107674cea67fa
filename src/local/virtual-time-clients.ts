import type { VirtualClock } from './clock';

/** The slice of an AWS SDK v3 client this module touches (every client has it). */
interface SdkClient {
  middlewareStack: {
    add(middleware: unknown, options: { step: 'initialize'; name: string; priority?: 'high' | 'low' | 'normal' }): void;
  };
}

/**
 * Holds the virtual clock still for the whole of each request the client sends, retries included:
 * the execution that sent it is not blocked on the clock, and a jump now would make the stand-in
 * see the request later than it was sent.
 */
export function holdClockDuringRequests<C extends SdkClient>(client: C, clock: VirtualClock): C {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>) => (args: unknown) => clock.track(() => next(args)),
    { step: 'initialize', name: 'holdVirtualClock', priority: 'high' },
  );
  return client;
}

interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

/**
 * The SDK's standard retry decisions (throttling, 5xx and transient errors; 3 attempts in all) with
 * no real pause between attempts. The SDK's backoff is real time (100 ms to seconds); in virtual
 * time the clock stands still during a request, so a real pause would only slow the run without
 * giving the stand-in time to change its answer. The retry itself, what the handler code relies on,
 * stays exactly as on AWS.
 */
export function virtualTimeRetryStrategy(maxAttempts = 3) {
  const token = (count: number): RetryToken => ({ getRetryCount: () => count, getRetryDelay: () => 0 });
  return {
    mode: 'standard',
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (previous: RetryToken, errorInfo: { errorType: string }) => {
      const retryable = errorInfo.errorType === 'THROTTLING' || errorInfo.errorType === 'TRANSIENT' || errorInfo.errorType === 'SERVER_ERROR';
      if (!retryable || previous.getRetryCount() + 1 >= maxAttempts) throw new Error('No retry token available');
      return token(previous.getRetryCount() + 1);
    },
    recordSuccess: () => undefined,
  };
}
