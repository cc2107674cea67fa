// Bundles the CLI into dist/cli.js. Dependencies stay in node_modules, except middy: it ships ESM
// only, and bundling it keeps the CommonJS CLI free of require(esm) on Node 20.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
const bundled = new Set(['@middy/core']);
const external = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })
  .filter((name) => !bundled.has(name))
  .flatMap((name) => [name, `${name}/*`]);

await build({
  entryPoints: ['src/cli/bin.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  external,
  logLevel: 'warning',
});
