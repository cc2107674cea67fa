// Scale of local mode: a large JSON Lines input through the same path as `personalize-batch run`
// (upload → trigger → state machine → Personalize stand-in job → output), beside baselines measured
// in the same run: a smaller input through the same path, and the same large file only copied through
// local S3 (the I/O floor). Each scenario runs in its own node process; its peak RSS is that process's
// getrusage maxrss, so it covers everything `run` holds in process (s3rver, dynalite, the stand-ins).
//
//   node bench/scale-report.mjs [--lines N] [--baseline-lines N] [--max-rss-mb N] [--keep]
//
// Exits 1 when a run fails, loses or adds a record, or the large run's peak RSS reaches --max-rss-mb.
// Plain ESM on purpose, like bundle-report.mjs: the measured code is bundled with esbuild's JS API.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const USAGE = 'usage: node bench/scale-report.mjs [--lines N] [--baseline-lines N] [--max-rss-mb N] [--keep]';

function usageError(message) {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { lines: 1_000_000, baselineLines: 100_000, maxRssMb: 400, keep: false };
  const numeric = { '--lines': 'lines', '--baseline-lines': 'baselineLines', '--max-rss-mb': 'maxRssMb' };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const flag = arg.split('=')[0];
    if (flag in numeric) {
      const value = arg.includes('=') ? arg.slice(flag.length + 1) : argv[(i += 1)];
      const number = Number(value);
      if (!Number.isInteger(number) || number < 1) usageError(`${flag} needs a positive integer, got ${value}`);
      options[numeric[flag]] = number;
    } else if (arg === '--keep') {
      options.keep = true;
    } else {
      usageError(`Unknown argument ${arg}`);
    }
  }
  return options;
}

/** Bundles bench/scale-child.ts the way scripts/build-cli.mjs bundles the CLI: dependencies stay external. */
async function bundleChild(outDir) {
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const bundled = new Set(['@middy/core']);
  const external = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })
    .filter((name) => !bundled.has(name))
    .flatMap((name) => [name, `${name}/*`]);
  const outfile = join(outDir, 'scale-child.js');
  await build({
    entryPoints: [join(root, 'bench', 'scale-child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external,
    nodePaths: [join(root, 'node_modules')],
    absWorkingDir: root,
    logLevel: 'warning',
  });
  return outfile;
}

/** `{"userId":"user-0000001"}` lines: 26 bytes each, so 1,000,000 lines are ~25 MB, every user distinct. */
async function writeInput(path, lines) {
  const out = createWriteStream(path);
  const batch = 10_000;
  for (let start = 0; start < lines; start += batch) {
    let text = '';
    for (let i = start; i < Math.min(lines, start + batch); i += 1) text += `{"userId":"user-${String(i).padStart(7, '0')}"}\n`;
    if (!out.write(text)) await new Promise((resolveDrain) => out.once('drain', resolveDrain));
  }
  await new Promise((resolveEnd, reject) => out.end((error) => (error ? reject(error) : resolveEnd())));
}

function runChild(childFile, scenario, inputFile, workDir) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [childFile, scenario, inputFile, workDir], {
      cwd: workDir,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NODE_PATH: join(root, 'node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) {
        reject(new Error(`${scenario} on ${inputFile} exited ${code}:\n${stderr.slice(-4000)}`));
        return;
      }
      resolveRun(JSON.parse(last));
    });
  });
}

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const grouped = (value) => value.toLocaleString('en-US');

function renderTable(rows) {
  const header = [
    `node ${process.version} | ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores) | ${mb(totalmem())} MB RAM`,
    '',
    '| scenario | lines | input MB | output MB | wall s | records/s | peak RSS MB | phases s (upload / run / copy) |',
    '|---|--:|--:|--:|--:|--:|--:|---|',
  ];
  const body = rows.map(({ label, result }) =>
    [
      label,
      grouped(result.inputLines),
      mb(result.inputBytes),
      mb(result.outputBytes),
      result.wallSeconds.toFixed(1),
      grouped(Math.round(result.inputLines / result.wallSeconds)),
      mb(result.maxRssKb * 1024),
      ['upload', 'run', 'copy'].map((phase) => (result.phases[phase] ?? 0).toFixed(1)).join(' / '),
    ].join(' | '),
  );
  return [...header, ...body.map((line) => `| ${line} |`)].join('\n');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const workDir = await mkdtemp(join(tmpdir(), 'scale-report-'));
  try {
    const childFile = await bundleChild(workDir);
    const largeInput = join(workDir, `users-${options.lines}.jsonl`);
    const baselineInput = join(workDir, `users-${options.baselineLines}.jsonl`);
    await writeInput(largeInput, options.lines);
    await writeInput(baselineInput, options.baselineLines);

    // Small first: a broken path fails in seconds, not after the large run.
    const scenarios = [
      { label: 'baseline: `run` path, smaller input', scenario: 'run', input: baselineInput },
      { label: 'baseline: same file through local S3 only', scenario: 's3-copy', input: largeInput },
      { label: '`run` path (upload → trigger → state machine → job → output)', scenario: 'run', input: largeInput, target: true },
    ];
    const rows = [];
    for (const scenario of scenarios) {
      process.stderr.write(`scale-report: ${scenario.label} (${scenario.input})…\n`);
      rows.push({ ...scenario, result: await runChild(childFile, scenario.scenario, scenario.input, workDir) });
    }
    console.log(renderTable(rows));

    const problems = [];
    for (const { label, result } of rows) {
      if (result.status !== 'SUCCEEDED') problems.push(`${label}: ${result.status}`);
      else if (result.outputLines !== result.inputLines) problems.push(`${label}: ${result.inputLines} lines in, ${result.outputLines} out`);
    }
    const target = rows.find((row) => row.target).result;
    const peakMb = (target.maxRssKb * 1024) / 1024 / 1024;
    console.log('');
    console.log(
      `${grouped(target.inputLines)} lines through the run path: ${grouped(Math.round(target.inputLines / target.wallSeconds))} records/s, ` +
        `peak RSS ${peakMb.toFixed(1)} MB (target < ${options.maxRssMb} MB): ${peakMb < options.maxRssMb ? 'met' : 'MISSED'}`,
    );
    if (peakMb >= options.maxRssMb) problems.push(`peak RSS ${peakMb.toFixed(1)} MB is not under ${options.maxRssMb} MB`);
    for (const problem of problems) console.log(`✘ ${problem}`);
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    if (options.keep) console.error(`scale-report: kept ${workDir}`);
    else await rm(workDir, { recursive: true, force: true });
  }
}

await main();
