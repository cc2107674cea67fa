import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What a streamed copy saw: non-blank lines, and the first one (for the summary). */
export interface CopiedLines {
  lines: number;
  firstLine: string;
}

/** Longest first line kept for display; an output line can be megabytes. */
const FIRST_LINE_LIMIT = 64 * 1024;

/**
 * Streams `body` into the file at `path`, counting non-blank lines on the way, so an output of any
 * size (Personalize takes inputs up to 1 GB) is copied in constant memory.
 */
export async function copyCountingLines(body: Readable | undefined, path: string): Promise<CopiedLines> {
  let lines = 0;
  let lineHasText = false;
  let head = '';
  let firstLine: string | undefined;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      for (const byte of chunk) {
        if (byte === 0x0a) {
          if (lineHasText) lines += 1;
          lineHasText = false;
        } else if (byte !== 0x20 && byte !== 0x0d && byte !== 0x09) {
          lineHasText = true;
        }
      }
      if (firstLine === undefined) {
        head += chunk.toString('utf8');
        const end = head.indexOf('\n');
        if (end !== -1) firstLine = head.slice(0, end);
        else if (head.length > FIRST_LINE_LIMIT) firstLine = head.slice(0, FIRST_LINE_LIMIT);
      }
      callback(null, chunk);
    },
  });
  await pipeline(body ?? Readable.from([]), counter, createWriteStream(path));
  if (lineHasText) lines += 1;
  return { lines, firstLine: (firstLine ?? head).trim() };
}
