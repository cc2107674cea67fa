import type { OutputObjects, OutputWait, OutputWaits, WaitingTasks } from '../../src/use-cases/ports';
import { OUTPUT_WAIT_TTL_MARGIN_SECONDS, wakeRunsForOutput, waitForJobOutput } from '../../src/use-cases/job-output-waits';

const SCOPE = { bucket: 'data', prefix: 'output/' };
const NOW = Date.parse('2026-01-15T10:00:00.000Z');

/** Output waits in memory, keyed as the table is (folder, run), recording what was asked. */
class FakeOutputWaits implements OutputWaits {
  readonly items = new Map<string, OutputWait & { expiresAt: number }>();
  readonly log: string[] = [];
  failQuery = false;

  async register(wait: OutputWait, expiresAtSeconds: number): Promise<void> {
    this.log.push(`register ${wait.runId}`);
    this.items.set(`${wait.folderKey}|${wait.runId}`, { ...wait, expiresAt: expiresAtSeconds });
  }

  async waitingIn(folderKey: string): Promise<OutputWait[]> {
    if (this.failQuery) throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
    return [...this.items.values()].filter((item) => item.folderKey === folderKey);
  }

  async remove(wait: Pick<OutputWait, 'folderKey' | 'runId' | 'taskToken'>): Promise<boolean> {
    const key = `${wait.folderKey}|${wait.runId}`;
    if (this.items.get(key)?.taskToken !== wait.taskToken) return false;
    this.log.push(`remove ${wait.runId}`);
    return this.items.delete(key);
  }
}

class FakeTasks implements WaitingTasks {
  readonly succeeded: Array<{ token: string; output: unknown }> = [];
  readonly gone = new Set<string>();

  async succeed(taskToken: string, output: unknown): Promise<boolean> {
    if (this.gone.has(taskToken)) return false;
    this.succeeded.push({ token: taskToken, output });
    return true;
  }

  async heartbeat(): Promise<boolean> {
    return true;
  }
}

const objectsWith = (keys: string[], log?: string[]): OutputObjects => ({
  async findOutput(target) {
    log?.push('look');
    return keys.find((key) => (target.fileKey ? key === target.fileKey : key.startsWith(target.folderKey) && key.endsWith('.out')));
  },
});

const request = (runId: string, outputLocation: string) => ({ taskToken: `token-${runId}`, execution: { arn: `arn:${runId}`, name: runId }, outputLocation, waitSeconds: 1200 });
const s3Event = (...keys: string[]) => ({ Records: keys.map((key) => ({ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'data' }, object: { key } } })) });

describe('waitForJobOutput', () => {
  it('registers the run under its output folder until an hour past the safety poll, then looks, and waits', async () => {
    // Prepare
    const waits = new FakeOutputWaits();
    const tasks = new FakeTasks();

    // Act
    const result = await waitForJobOutput(request('run-1', 's3://data/output/run-1/users.jsonl.out'), { waits, tasks, scope: SCOPE, objects: objectsWith([], waits.log), now: () => NOW });

    // Assess: registered before the look, so an object written in between is seen by one or the other.
    expect(result).toEqual({ waiting: true, alreadyThere: false });
    expect(waits.log).toEqual(['register run-1', 'look']);
    expect(waits.items.get('output/run-1/|run-1')).toMatchObject({
      fileKey: 'output/run-1/users.jsonl.out',
      taskToken: 'token-run-1',
      executionArn: 'arn:run-1',
      outputLocation: 's3://data/output/run-1/users.jsonl.out',
      expiresAt: NOW / 1000 + 1200 + OUTPUT_WAIT_TTL_MARGIN_SECONDS,
    });
    expect(tasks.succeeded).toEqual([]);
  });

  it('wakes the run at once when its output was written before it registered (the lost wake-up race), and leaves no item', async () => {
    // Prepare
    const waits = new FakeOutputWaits();
    const tasks = new FakeTasks();

    // Act
    const result = await waitForJobOutput(request('run-1', 's3://data/output/run-1/'), { waits, tasks, scope: SCOPE, objects: objectsWith(['output/run-1/a.jsonl.out']), now: () => NOW });

    // Assess
    expect(result).toEqual({ waiting: false, alreadyThere: true, key: 'output/run-1/a.jsonl.out' });
    expect(tasks.succeeded).toEqual([{ token: 'token-run-1', output: { bucket: 'data', key: 'output/run-1/a.jsonl.out' } }]);
    expect(waits.items.size).toBe(0);
  });

  it('registers nothing for output no event covers: the Task\'s timeout is the poll', async () => {
    const waits = new FakeOutputWaits();
    const result = await waitForJobOutput(request('run-1', 's3://elsewhere/out/users.jsonl.out'), { waits, tasks: new FakeTasks(), scope: SCOPE, objects: objectsWith([]), now: () => NOW });
    expect(result).toEqual({ waiting: false, reason: 'no object-created event covers s3://elsewhere/out/users.jsonl.out' });
    expect(waits.items.size).toBe(0);
  });
});

describe('wakeRunsForOutput', () => {
  async function registered(...requests: Array<ReturnType<typeof request>>) {
    const waits = new FakeOutputWaits();
    const tasks = new FakeTasks();
    for (const each of requests) await waitForJobOutput(each, { waits, tasks, scope: SCOPE, objects: objectsWith([]), now: () => NOW });
    return { waits, tasks };
  }

  it('wakes the run whose file the object is, and only it, with the object, and removes its wait', async () => {
    // Prepare
    const { waits, tasks } = await registered(request('run-1', 's3://data/output/run-1/users.jsonl.out'), request('run-2', 's3://data/output/run-2/users.jsonl.out'));

    // Act
    const summary = await wakeRunsForOutput(s3Event('output/run-1/users.jsonl.out'), { waits, tasks, scope: SCOPE });

    // Assess
    expect(summary).toEqual({ objects: 1, woken: ['run-1'], gone: [] });
    expect(tasks.succeeded).toEqual([{ token: 'token-run-1', output: { bucket: 'data', key: 'output/run-1/users.jsonl.out' } }]);
    expect([...waits.items.keys()]).toEqual(['output/run-2/|run-2']);
  });

  it('wakes a folder input\'s run on any of its .out files, once', async () => {
    const { waits, tasks } = await registered(request('run-1', 's3://data/output/run-1/'));
    const first = await wakeRunsForOutput(s3Event('output/run-1/a.jsonl.out', 'output/run-1/b.jsonl.out'), { waits, tasks, scope: SCOPE });
    expect(first).toEqual({ objects: 2, woken: ['run-1'], gone: [] });
    expect(tasks.succeeded).toHaveLength(1);
  });

  it('drops a wait whose Task is gone (timed out by the safety poll, execution closed) without failing the event', async () => {
    // Prepare
    const { waits, tasks } = await registered(request('run-1', 's3://data/output/run-1/users.jsonl.out'));
    tasks.gone.add('token-run-1');

    // Act
    const summary = await wakeRunsForOutput(s3Event('output/run-1/users.jsonl.out'), { waits, tasks, scope: SCOPE });

    // Assess
    expect(summary).toEqual({ objects: 1, woken: [], gone: ['run-1'] });
    expect(waits.items.size).toBe(0);
  });

  it('ignores objects that are not job output, and rethrows a storage error so the event is retried', async () => {
    const { waits, tasks } = await registered(request('run-1', 's3://data/output/run-1/users.jsonl.out'));
    expect(await wakeRunsForOutput(s3Event('output/run-1/users.jsonl', 'input/users.jsonl.out'), { waits, tasks, scope: SCOPE })).toEqual({ objects: 0, woken: [], gone: [] });
    waits.failQuery = true;
    await expect(wakeRunsForOutput(s3Event('output/run-1/users.jsonl.out'), { waits, tasks, scope: SCOPE })).rejects.toThrow('throttled');
  });
});
