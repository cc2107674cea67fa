/**
 * The lines of a byte stream, split on `\n` only, as `text.split('\n')` would split the whole decoded
 * text: a trailing `\r` stays on its line (callers trim it), and a lone `\r` does not end a line.
 * `node:readline` is not used because it also breaks on a lone `\r`, which would renumber lines and
 * split records that a whole-text reader keeps together.
 *
 * Bytes are split before decoding, which is safe in UTF-8: 0x0A never occurs inside a multi-byte
 * sequence. Memory is bounded by the longest line plus one chunk, never by the stream's length.
 *
 * @param source - Chunks in order, e.g. a streamed S3 GetObject `Body` (a Node `Readable`).
 * @returns An async iterable of lines without their `\n`; the text after the last `\n` (possibly
 *   empty) is the last line, so `"a\n"` gives `"a"`, `""`. Breaking out of it ends (destroys) the source.
 * @example
 * for await (const line of readLines(response.Body as Readable)) console.log(line);
 */
export async function* readLines(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): AsyncGenerator<string, void, undefined> {
  // Pieces of the current, unfinished line: concatenated only when its `\n` arrives.
  let pending: Buffer[] = [];
  for await (const piece of source) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    let start = 0;
    for (let newline = chunk.indexOf(0x0a, start); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
      const tail = chunk.subarray(start, newline);
      yield pending.length === 0 ? tail.toString('utf8') : Buffer.concat([...pending, tail]).toString('utf8');
      pending = [];
      start = newline + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  yield Buffer.concat(pending).toString('utf8');
}
