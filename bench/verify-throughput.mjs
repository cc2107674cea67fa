// How fast "Verify output" reads: streams generated Personalize output (default 256 MB, JSON Lines
// with 25 recommendations per line, one error line in 50) through readline and OutputTally, as
// S3JobOutputs does, and counts lines of a generated input as countRecords does. Prints MB/s and the
// peak RSS, so the function's 900 s / 1,769 MB can be checked against a 1 GB output.
//   node bench/verify-throughput.mjs [--mb 256]
import { build } from 'esbuild';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Buffer } from 'node:buffer';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';

const mbArg = process.argv.indexOf('--mb');
const targetBytes = (mbArg > 0 ? Number(process.argv[mbArg + 1]) : 256) * 1024 * 1024;

const directory = await mkdtemp(join(tmpdir(), 'verify-bench-'));
const outfile = join(directory, 'verify.mjs');
await build({
  stdin: {
    contents: "export { OutputTally } from './src/domain/output-verification';\nexport { countNonBlankLines } from './src/adapters/job-output';",
    resolveDir: process.cwd(),
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile,
  logLevel: 'error',
});
const { OutputTally, countNonBlankLines } = await import(pathToFileURL(outfile).href);

const items = Array.from({ length: 25 }, (_, index) => `item-${String(index).padStart(6, '0')}`);
const okLine = (user) => JSON.stringify({ input: { userId: user }, output: { recommendedItems: items, scores: items.map((_, i) => 0.04 - i / 1000) }, error: null });
const errorLine = (user) => JSON.stringify({ input: { userID: user }, output: { recommendedItems: [] }, error: 'User error: Required fields for the provided recipe are userId' });

/**
 * About 64 KB of whole lines, built once and repeated, as an S3 body stream delivers them: the
 * generator then costs nothing beside the reading being measured.
 */
function generated(lineFor) {
  let block = '';
  for (let index = 0; block.length < 65536; index++) block += `${lineFor(index)}\n`;
  const chunk = Buffer.from(block);
  const count = Math.ceil(targetBytes / chunk.length);
  return Readable.from(
    (function* chunks() {
      for (let index = 0; index < count; index++) yield chunk;
    })(),
  );
}

let peakRss = 0;
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

const tally = new OutputTally();
tally.addFile();
let started = process.hrtime.bigint();
let lines = 0;
for await (const line of createInterface({ input: generated((i) => (i % 50 === 0 ? errorLine(`u${i}`) : okLine(`u${i}`))), crlfDelay: Infinity })) {
  tally.addLine(line);
  if (++lines % 100_000 === 0) sample();
}
const tallySeconds = Number(process.hrtime.bigint() - started) / 1e9;

started = process.hrtime.bigint();
const inputRecords = await countNonBlankLines(generated((i) => JSON.stringify({ userId: `user-${i}` })));
const countSeconds = Number(process.hrtime.bigint() - started) / 1e9;
sample();
await rm(directory, { recursive: true, force: true });

const mb = targetBytes / 1024 / 1024;
const { records, errorRecords } = tally.result();
console.log(`| read | MB | records | seconds | MB/s | 1 GB takes |`);
console.log(`|---|---|---|---|---|---|`);
console.log(`| output (readline + OutputTally) | ${mb} | ${records} (${errorRecords} errors) | ${tallySeconds.toFixed(1)} | ${(mb / tallySeconds).toFixed(0)} | ${((1024 / mb) * tallySeconds).toFixed(0)} s |`);
console.log(`| staged input (countNonBlankLines) | ${mb} | ${inputRecords} | ${countSeconds.toFixed(1)} | ${(mb / countSeconds).toFixed(0)} | ${((1024 / mb) * countSeconds).toFixed(0)} s |`);
console.log(`\npeak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB (flat: memory does not grow with the output)`);
