/**
 * How S3 and EventBridge invoke their Lambda targets: asynchronously, and Lambda retries a failed
 * async invocation twice. The deterministic execution names and conditional writes are what keep
 * those retries from starting or recording a run twice.
 */
export async function invokeAsync<T>(invoke: () => Promise<T>, attempts = 3): Promise<T> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await invoke();
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
