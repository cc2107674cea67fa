import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

/** One object `local up` puts in the local bucket so the README's examples run as printed. */
export interface ExampleObject {
  /** Key in the data bucket, e.g. `config/users.json`. */
  key: string;
  body: Buffer;
}

/** Folders of `examples/` mirrored into the bucket under the same prefix. */
const SEEDED_FOLDERS = ['config', 'scheduled'] as const;

/**
 * The package's `examples/` folder, found from this module (which runs from `src/cli` under the
 * tests and from `dist/` when bundled), or undefined when the package ships without it.
 */
export function findExamplesFolder(from: string = __dirname): string | undefined {
  for (let folder = from; ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json')) && existsSync(join(folder, 'examples'))) return join(folder, 'examples');
    if (dirname(folder) === folder) return undefined;
  }
}

/**
 * The example job group files (`examples/config/*.json` → `config/…`) and scheduled inputs
 * (`examples/scheduled/**` → `scheduled/…`). Nothing under `input/`: an upload there would start a
 * run the user did not ask for.
 */
export async function exampleObjects(examplesFolder: string): Promise<ExampleObject[]> {
  const objects: ExampleObject[] = [];
  for (const folder of SEEDED_FOLDERS) {
    const root = join(examplesFolder, folder);
    if (!existsSync(root)) continue;
    for (const path of await filesUnder(root)) {
      objects.push({ key: `${folder}/${relative(root, path).split(sep).join('/')}`, body: await readFile(path) });
    }
  }
  return objects.sort((a, b) => a.key.localeCompare(b.key));
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? filesUnder(join(folder, entry.name)) : Promise.resolve(entry.isFile() ? [join(folder, entry.name)] : []))),
  );
  return nested.flat();
}
