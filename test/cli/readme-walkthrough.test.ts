import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'bin/personalize-batch.js');
const ENV = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

/** The shell lines between the README's walkthrough markers, as a user would paste them. */
async function walkthroughCommands(): Promise<string[]> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- walkthrough:start -->\s*```sh\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(readme);
  if (!block?.[1]) throw new Error('README.md has no walkthrough block');
  return block[1].split('\n').filter((line) => line.trim() !== '');
}

function run(line: string, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const prefix = 'npx personalize-batch ';
  if (!line.startsWith(prefix)) throw new Error(`Walkthrough line does not start with "${prefix}": ${line}`);
  // The lines hold no quotes or shell syntax (checked here), so splitting on spaces is what a shell does.
  if (/["'`$|&;<>\\]/.test(line)) throw new Error(`Walkthrough line needs a shell: ${line}`);
  const args = line.slice(prefix.length).split(/\s+/);
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: ENV, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolvePromise({ code, stdout, stderr });
    });
  });
}

describe('the README walkthrough against local up', () => {
  let cwd: string;
  let localUp: ChildProcessWithoutNullStreams;
  let environment: { bucket: string; examples: string[] };

  beforeAll(async () => {
    // A folder of the user's own, holding only what the walkthrough says it reads: schedules.json.
    cwd = await mkdtemp(join(tmpdir(), 'pbo-walkthrough-'));
    await copyFile(join(ROOT, 'schedules.json'), join(cwd, 'schedules.json'));
    // Shorter jobs than local up's default, so the walkthrough takes seconds; nothing else differs.
    await writeFile(join(cwd, 'fast.json'), JSON.stringify({ local: { jobDurations: { pendingMs: 300, inProgressMs: 700 } } }));
    localUp = spawn(process.execPath, [CLI, 'local', 'up', '--port', '0', '--quiet', '--config', 'fast.json'], { cwd, env: ENV });
    const lines = createInterface({ input: localUp.stdout });
    const first = await new Promise<string>((resolveLine, reject) => {
      lines.once('line', resolveLine);
      localUp.once('exit', (code) => reject(new Error(`local up exited with ${code}`)));
    });
    environment = JSON.parse(first) as typeof environment;
  }, 60_000);

  afterAll(async () => {
    if (localUp.exitCode === null) {
      const exited = new Promise((resolveExit) => localUp.once('exit', resolveExit));
      localUp.kill('SIGINT');
      await exited;
    }
    await rm(cwd, { recursive: true, force: true });
  });

  it('starts with the example job group and scheduled input in the bucket', () => {
    expect(environment.bucket).toBe('personalize-batch-orchestrator-local-data');
    expect(environment.examples).toEqual(['config/users.json', 'scheduled/users/nightly.jsonl']);
  });

  it('runs every command as printed, each exiting 0, and lists both runs', async () => {
    // Prepare
    const commands = await walkthroughCommands();
    expect(commands.length).toBeGreaterThanOrEqual(3);

    // Act
    const results = [];
    for (const command of commands) results.push({ command, ...(await run(command, cwd)) });

    // Assess
    for (const result of results) {
      expect({ command: result.command, code: result.code, stderr: result.stderr }).toEqual({ command: result.command, code: 0, stderr: '' });
    }
    expect(results[0]?.stdout).toMatch(/SUCCEEDED/);
    const listed = results.at(-1)?.stdout ?? '';
    expect(listed).toMatch(/schedule-nightly-example-20261128T030000Z/);
    expect(listed.match(/SUCCEEDED/g)?.length).toBeGreaterThanOrEqual(2);
  }, 90_000);
});
