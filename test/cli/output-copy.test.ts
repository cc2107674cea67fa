import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { copyCountingLines } from '../../src/cli/output-copy';

describe('copyCountingLines', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'pbo-copy-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it.each([
    ['lines split across chunks', ['{"a":1}\n{"b"', ':2}\n', '{"c":3}\n'], 3, '{"a":1}'],
    ['blank and whitespace-only lines', ['{"a":1}\n\n  \r\n{"b":2}\n'], 2, '{"a":1}'],
    ['CRLF endings', ['{"a":1}\r\n{"b":2}\r\n'], 2, '{"a":1}'],
    ['no trailing newline', ['{"a":1}\n{"b":2}'], 2, '{"a":1}'],
    ['an empty body', [], 0, ''],
  ])('copies byte for byte and counts %s', async (_, chunks, lines, firstLine) => {
    // Prepare
    const path = join(directory, `${lines}-${chunks.length}.out`);

    // Act
    const copied = await copyCountingLines(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), path);

    // Assess
    expect(copied).toEqual({ lines, firstLine });
    expect(await readFile(path, 'utf8')).toBe(chunks.join(''));
  });

  it('keeps at most 64 KiB of a first line that has no end in sight', async () => {
    const long = 'x'.repeat(200 * 1024);

    const copied = await copyCountingLines(Readable.from([Buffer.from(long.slice(0, 100_000)), Buffer.from(long.slice(100_000))]), join(directory, 'long.out'));

    expect(copied.lines).toBe(1);
    expect(copied.firstLine).toBe('x'.repeat(64 * 1024));
  });
});
