/** Parses text that may be JSON (an error's cause, an execution's input); undefined when it is not. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readJson(text: string | undefined): any {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
