// Bundle size and cold module-load time for each Lambda handler, next to a handler that imports only
// @aws-sdk/client-personalize (the baseline) and one that imports nothing (bare node start). Two more
// reference handlers, the baseline plus Powertools logger, and plus logger and metrics, show what
// Powertools metrics costs on its own (the difference of the two).
//
//   node bench/bundle-report.mjs [--runs N] [--enable-source-maps] [--keep]
//
// Plain ESM on purpose: it needs no compile step and builds with esbuild's JS API directly.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

// Every deployed function (functions/<name>/handler.ts), so a new one is measured without editing this list.
const HANDLERS = readdirSync(join(root, 'functions'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, 'functions', entry.name, 'handler.ts')))
  .map((entry) => entry.name)
  .sort();
const BASELINE = 'baseline';
const EMPTY = 'empty';
const WITH_LOGGER = 'baseline+logger';
const WITH_METRICS = 'baseline+logger+metrics';

// Mirrors custom.esbuild in serverless.yml, so the numbers are those of what gets deployed.
// `sourcemap: true` is esbuild's "linked" mode: the map is a separate file and only the .js is measured.
const ESBUILD_OPTIONS = {
  bundle: true,
  minify: true,
  sourcemap: true,
  target: 'node22',
  platform: 'node',
  format: 'cjs',
};

// The handlers read these at module load and throw when one is missing (grep `requireEnv(`); the values
// only have to be well formed. POWERTOOLS_* match the provider environment in serverless.yml.
const CHILD_ENV = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_SERVICE_NAME: 'personalize-batch-orchestrator',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:bench',
  INPUT_PREFIX: 'input/',
  PERSONALIZE_ROLE_ARN: 'arn:aws:iam::123456789012:role/bench',
  OUTPUT_BASE_URI: 's3://bench-bucket/output/',
  RUNS_TABLE_NAME: 'bench-runs',
  DATA_BUCKET: 'bench-bucket',
  JOB_SLOTS_TABLE_NAME: 'bench-job-slots',
  OUTPUT_WAITS_TABLE_NAME: 'bench-output-waits',
  OUTPUT_PREFIX: 'output/',
};

const USAGE = 'usage: node bench/bundle-report.mjs [--runs N] [--enable-source-maps] [--keep]';

// A mistyped flag gets the usage line, not a stack trace.
function usageError(message) {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { runs: 15, sourceMaps: false, keep: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--runs' || arg.startsWith('--runs=')) {
      const value = arg.includes('=') ? arg.slice('--runs='.length) : argv[(i += 1)];
      const runs = Number(value);
      if (!Number.isInteger(runs) || runs < 1) usageError(`--runs needs a positive integer, got ${value}`);
      options.runs = runs;
    } else if (arg === '--enable-source-maps') {
      options.sourceMaps = true;
    } else if (arg === '--keep') {
      options.keep = true;
    } else {
      usageError(`Unknown argument ${arg}`);
    }
  }
  return options;
}

/** Builds every entry into outDir and returns { name: absolute path of its .js }. */
async function bundleAll(outDir) {
  await mkdir(join(outDir, 'src'));
  const baselineSource = join(outDir, 'src', `${BASELINE}.mjs`);
  const emptySource = join(outDir, 'src', `${EMPTY}.mjs`);
  await writeFile(
    baselineSource,
    [
      "import { PersonalizeClient } from '@aws-sdk/client-personalize';",
      'const client = new PersonalizeClient({});',
      'export const handler = async () => client.config.region;',
      '',
    ].join('\n'),
  );
  await writeFile(emptySource, 'export const handler = async () => undefined;\n');
  // What the run-metrics functions add to the baseline: a logger, then a logger and a Metrics
  // instance that emits one EMF document per call (as EmfRunMetrics does).
  const loggerSource = join(outDir, 'src', `${WITH_LOGGER}.mjs`);
  const metricsSource = join(outDir, 'src', `${WITH_METRICS}.mjs`);
  const loggerLines = [
    "import { PersonalizeClient } from '@aws-sdk/client-personalize';",
    "import { Logger } from '@aws-lambda-powertools/logger';",
    'const client = new PersonalizeClient({});',
    "const logger = new Logger({ serviceName: 'bench' });",
  ];
  await writeFile(loggerSource, [...loggerLines, "export const handler = async () => { logger.debug('x'); return client.config.region; };", ''].join('\n'));
  await writeFile(
    metricsSource,
    [
      ...loggerLines,
      "import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';",
      "const metrics = new Metrics({ namespace: 'Bench', serviceName: 'bench' });",
      "export const handler = async () => { logger.debug('x'); metrics.addMetric('Runs', MetricUnit.Count, 1); metrics.publishStoredMetrics(); return client.config.region; };",
      '',
    ].join('\n'),
  );

  const entryPoints = {
    ...Object.fromEntries(HANDLERS.map((name) => [name, join(root, 'functions', name, 'handler.ts')])),
    [BASELINE]: baselineSource,
    [WITH_LOGGER]: loggerSource,
    [WITH_METRICS]: metricsSource,
    [EMPTY]: emptySource,
  };
  // One build with several entries gives the same per-entry output as serverless-esbuild's one build
  // per function, because without code splitting each output is self-contained.
  await build({
    ...ESBUILD_OPTIONS,
    entryPoints,
    outdir: join(outDir, 'out'),
    absWorkingDir: root,
    // The generated baseline lives outside the repo; this lets it resolve the repo's SDK install.
    nodePaths: [join(root, 'node_modules')],
    logLevel: 'warning',
  });
  return Object.fromEntries(Object.keys(entryPoints).map((name) => [name, join(outDir, 'out', `${name}.js`)]));
}

async function measureSize(file) {
  const code = await readFile(file);
  return { bytes: code.length, gzipBytes: gzipSync(code).length };
}

/** One cold load in a fresh node: the in-process require() time, and the wall time from spawn to exit. */
function loadOnce(file, nodeFlags) {
  const script = `const t=process.hrtime.bigint(); require(${JSON.stringify(file)}); console.log(Number(process.hrtime.bigint()-t)/1e6)`;
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [...nodeFlags, '-e', script], { env: CHILD_ENV, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) {
    throw new Error(`Loading ${file} failed (exit ${child.status}):\n${child.stderr}`);
  }
  // The last line is ours; anything a module logs at load comes before it.
  const lines = child.stdout.trim().split('\n');
  const loadMs = Number(lines[lines.length - 1]);
  if (!Number.isFinite(loadMs)) throw new Error(`Unexpected output loading ${file}:\n${child.stdout}`);
  return { loadMs, wallMs };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function percentile(values, p) {
  // Nearest-rank: always an observed value, and with few runs p90 is an actual slow run, not an interpolation.
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function measureLoads(bundles, { runs, sourceMaps }) {
  // serverless.yml deploys with NODE_OPTIONS=--enable-source-maps, which makes node read and parse each
  // bundle's .map at load; opt-in, so the default numbers stay those of the code alone.
  const nodeFlags = sourceMaps ? ['--enable-source-maps'] : [];
  const names = Object.keys(bundles);
  const samples = Object.fromEntries(names.map((name) => [name, { loadMs: [], wallMs: [] }]));
  // One unrecorded round first: it fails fast on a bundle that cannot load, and puts every file in the
  // page cache so no bundle pays for the first disk read while the others do not.
  for (const name of names) loadOnce(bundles[name], nodeFlags);
  // Round-robin, so a noisy moment of the machine spreads across all bundles instead of skewing one;
  // the starting bundle rotates each round so none always runs right after the same neighbour.
  for (let round = 0; round < runs; round += 1) {
    for (let i = 0; i < names.length; i += 1) {
      const name = names[(round + i) % names.length];
      const { loadMs, wallMs } = loadOnce(bundles[name], nodeFlags);
      samples[name].loadMs.push(loadMs);
      samples[name].wallMs.push(wallMs);
    }
  }
  return samples;
}

const kb = (bytes) => (bytes / 1024).toFixed(1);
const ms = (value) => value.toFixed(1);
const signed = (text) => (text.startsWith('-') ? text : `+${text}`);

function renderTable(rows, options) {
  const baseline = rows.find((row) => row.name === BASELINE);
  const empty = rows.find((row) => row.name === EMPTY);
  const header = [
    `node ${process.version} | ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores) | runs: ${options.runs}${options.sourceMaps ? ' | node --enable-source-maps' : ''}`,
    `bare node start (empty handler, spawn to exit): ${ms(empty.wallMedian)} ms median`,
    '',
    '| function | bundle KB | gzip KB | load median ms | load p90 ms | process ms vs empty | vs baseline: load ms | vs baseline: KB |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
  ];
  const body = rows.map((row) => {
    const vsBaseline = row.name === BASELINE
      ? ['—', '—']
      : [signed(ms(row.loadMedian - baseline.loadMedian)), signed(kb(row.bytes - baseline.bytes))];
    return [
      row.name,
      kb(row.bytes),
      kb(row.gzipBytes),
      ms(row.loadMedian),
      ms(row.loadP90),
      signed(ms(row.wallMedian - empty.wallMedian)),
      ...vsBaseline,
    ].join(' | ');
  });
  const logger = rows.find((row) => row.name === WITH_LOGGER);
  const metrics = rows.find((row) => row.name === WITH_METRICS);
  const footer = [
    '',
    `Powertools metrics (${WITH_METRICS} minus ${WITH_LOGGER}): ${signed(kb(metrics.bytes - logger.bytes))} KB bundle, ` +
      `${signed(kb(metrics.gzipBytes - logger.gzipBytes))} KB gzip, ${signed(ms(metrics.loadMedian - logger.loadMedian))} ms load median.`,
  ];
  return [...header, ...body.map((line) => `| ${line} |`), ...footer].join('\n');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const outDir = await mkdtemp(join(tmpdir(), 'bundle-report-'));
  try {
    const bundles = await bundleAll(outDir);
    const samples = measureLoads(bundles, options);
    const rows = [];
    for (const [name, file] of Object.entries(bundles)) {
      const { bytes, gzipBytes } = await measureSize(file);
      const { loadMs, wallMs } = samples[name];
      rows.push({
        name,
        bytes,
        gzipBytes,
        loadMedian: median(loadMs),
        loadP90: percentile(loadMs, 90),
        wallMedian: median(wallMs),
      });
    }
    console.log(renderTable(rows, options));
    if (options.keep) console.log(`\nbundles kept in ${join(outDir, 'out')}`);
  } finally {
    if (!options.keep) await rm(outDir, { recursive: true, force: true });
  }
}

await main();
