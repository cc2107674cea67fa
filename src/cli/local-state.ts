import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rmdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { LocalEnvironment } from '../local/local-environment';
import { describeSolutions, solutionArnOf } from '../local/personalize';
import { isSegmentationRecipe, RECIPE_NAMES, type StandInSolutionVersion } from '../local/personalize/types';

/** Where `local up` leaves its description for other CLI invocations, relative to the project folder (`projectDirectoryOf`). */
export const LOCAL_STATE_FILE = join('.personalize-batch', 'local.json');

/**
 * The project folder of `start`: the nearest folder at or above it holding `.personalize-batch`
 * or `package.json` (as npm finds a package), else `start` itself. `local up` writes its state file
 * there and every other command reads it from there, so they meet from any subfolder.
 */
export function projectDirectoryOf(start: string): string {
  let directory = resolve(start);
  for (;;) {
    if (existsSync(join(directory, '.personalize-batch')) || existsSync(join(directory, 'package.json'))) return directory;
    const parent = dirname(directory);
    if (parent === directory) return resolve(start);
    directory = parent;
  }
}

/**
 * What `local up` prints as its one JSON line and keeps in the state file. Only the members other
 * commands rely on are checked when reading; the rest is informational.
 */
const LocalStateSchema = z.looseObject({
  region: z.string(),
  endpoints: z.looseObject({
    personalize: z.string(),
    stepFunctions: z.string(),
    s3: z.string(),
    dynamodb: z.string(),
    lambda: z.string(),
  }),
  bucket: z.string(),
  stateMachineArn: z.string(),
});

export type LocalState = z.infer<typeof LocalStateSchema>;

/** No usable state file: nothing to talk to, which the user fixes by starting `local up`. */
export class NoLocalEnvironmentError extends Error {
  constructor(detail?: string) {
    super(`no local environment is running: start one with \`personalize-batch local up\`${detail ? ` (${detail})` : ''}`);
    this.name = 'NoLocalEnvironmentError';
  }
}

/** The description of a running environment, as printed by `local up` and stored in the state file. */
export function localStateOf(environment: LocalEnvironment): LocalState {
  const catalog = environment.personalize.catalog;
  return {
    region: environment.region,
    endpoints: environment.endpoints,
    bucket: environment.bucket,
    inputPrefix: environment.inputPrefix,
    outputPrefix: environment.outputPrefix,
    runsTable: environment.runsTable,
    stateMachineArn: environment.stateMachineArn,
    solutionVersionArn: catalog.solutionVersions[0]?.arn,
    solutionVersionArns: catalog.solutionVersions.map((version) => version.arn),
    solutions: describeSolutions(catalog.solutionVersions),
    solutionVersions: catalog.solutionVersions.map(describeVersion),
    filterArn: catalog.filters[0]?.arn,
    personalizeRoleArn: environment.personalizeRoleArn,
    // Another `local up` in this project refuses to start while this process lives.
    pid: process.pid,
  };
}

/** A bundled solution version as tools need it: its recipe, its solution and the job type it runs. */
function describeVersion(version: StandInSolutionVersion) {
  return {
    solutionVersionArn: version.arn,
    solutionArn: solutionArnOf(version.arn) ?? version.arn,
    recipe: RECIPE_NAMES[version.recipe],
    recipeArn: `arn:aws:personalize:::recipe/${RECIPE_NAMES[version.recipe]}`,
    jobType: isSegmentationRecipe(version.recipe) ? 'BATCH_SEGMENT' : 'BATCH_INFERENCE',
  };
}

/**
 * Writes the state file and returns the exact text written, which `removeLocalState` compares
 * against. Written to a temporary name and renamed, so a reader never sees half a file.
 */
export async function writeLocalState(directory: string, state: LocalState): Promise<string> {
  const path = join(projectDirectoryOf(directory), LOCAL_STATE_FILE);
  const text = `${JSON.stringify(state)}\n`;
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
  return text;
}

/**
 * Reads the running environment's description from the project folder of `directory`
 * (`projectDirectoryOf`); throws `NoLocalEnvironmentError` when there is none.
 */
export async function readLocalState(directory: string): Promise<LocalState> {
  const path = join(projectDirectoryOf(directory), LOCAL_STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NoLocalEnvironmentError();
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new NoLocalEnvironmentError(`${path} is not JSON`);
  }
  const parsed = LocalStateSchema.safeParse(raw);
  // A file from an older `local up` lacks newer endpoints; restarting it writes a complete one.
  if (!parsed.success) throw new NoLocalEnvironmentError(`${path} is incomplete: ${parsed.error.issues.map((issue) => issue.path.join('.')).join(', ')}`);
  return parsed.data;
}

/**
 * Removes the state file if it still holds what this process wrote: a second `local up` started in
 * the same directory has replaced it, and its file must outlive the first one's shutdown.
 */
export async function removeLocalState(directory: string, written: string): Promise<void> {
  const path = join(projectDirectoryOf(directory), LOCAL_STATE_FILE);
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current !== written) return;
  await unlink(path).catch(() => undefined);
  // The folder only holds state files; leave nothing behind once the last one is gone.
  await rmdir(dirname(path)).catch(() => undefined);
}

/** A second `local up` in the same project while the first one's process is alive: exit 3. */
export class LocalEnvironmentRunningError extends Error {
  constructor(readonly state: LocalState & { pid: number }) {
    super(
      `a local environment is already running for this project (pid ${state.pid}, Personalize ${state.endpoints.personalize}, ` +
        `Step Functions ${state.endpoints.stepFunctions}): use it, or stop it (Ctrl-C in its terminal, or kill ${state.pid}) first`,
    );
    this.name = 'LocalEnvironmentRunningError';
  }
}

/**
 * Refuses to start over a live environment's state file; a file whose process is gone (a killed
 * `local up`) or that cannot be read is stale and may be replaced.
 *
 * @throws LocalEnvironmentRunningError naming the running one's pid and endpoints.
 */
export async function assertNoLiveLocalState(directory: string): Promise<void> {
  const state = await readLocalState(directory).catch(() => undefined);
  const pid = (state as { pid?: unknown } | undefined)?.pid;
  if (!state || typeof pid !== 'number' || pid === process.pid || !isAlive(pid)) return;
  throw new LocalEnvironmentRunningError({ ...state, pid });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive but someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
