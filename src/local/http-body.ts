import type { IncomingMessage } from 'node:http';

/** The whole body of a request or response, as bytes: the stand-ins' payloads are small. */
export function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** The whole body as UTF-8 text (the AWS JSON and query protocols). */
export async function readText(stream: IncomingMessage): Promise<string> {
  return (await readAll(stream)).toString('utf8');
}

/** Whether `text` is a JSON object (not an array, not a scalar), as AWS checks JSON-string members. */
export function isJsonObject(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}
