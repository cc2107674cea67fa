// Runs a TypeScript entry of bench/ under node: bundles it with esbuild (dependencies stay in
// node_modules, as for dist/cli.js) into a temp file and imports it. Usage: node bench/run-ts.mjs <entry.ts> [args]
import { build } from 'esbuild';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [entry, ...args] = process.argv.slice(2);
if (!entry) throw new Error('usage: node bench/run-ts.mjs <entry.ts> [args]');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
const bundled = new Set(['@middy/core']);
const external = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })
  .filter((name) => !bundled.has(name))
  .flatMap((name) => [name, `${name}/*`]);
// Inside the project, so the bundle resolves node_modules as the sources do.
await mkdir('dist', { recursive: true });
const directory = await mkdtemp(join('dist', 'bench-'));
const outfile = resolve(directory, 'entry.cjs');
try {
  await build({ entryPoints: [resolve(entry)], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external, logLevel: 'warning' });
  const module = await import(pathToFileURL(outfile).href);
  await (module.default?.main ?? module.main)(args);
} finally {
  await rm(directory, { recursive: true, force: true });
}
