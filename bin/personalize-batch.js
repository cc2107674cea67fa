#!/usr/bin/env node
'use strict';
// The CLI is TypeScript bundled by `npm run build` (run by `npm ci` through `prepare`).
try {
  require.resolve('../dist/cli.js');
} catch {
  process.stderr.write('personalize-batch: dist/cli.js is missing; run `npm run build` first.\n');
  process.exit(2);
}
require('../dist/cli.js');
