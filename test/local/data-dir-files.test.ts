import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataDir } from '../../src/local/data-dir';

describe('loadDataDir', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pbo-data-dir-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts empty from a new folder', async () => {
    const state = await loadDataDir(dataDir);

    expect(state.jobStores.BATCH_INFERENCE.all()).toEqual([]);
    expect(state.restoredExecutions).toEqual([]);
  });

  it.each([
    ['not JSON', '{"jobs": [', 'is not valid JSON'],
    ['not a list', '{"jobs": []}', 'is not the list local up writes there'],
  ])('names a saved file that is %s, and what to do about it, instead of a parser stack trace', async (_, text, problem) => {
    // Prepare
    await writeFile(join(dataDir, 'personalize-jobs.json'), text);

    // Act
    const attempt = loadDataDir(dataDir);

    // Assess
    await expect(attempt).rejects.toThrow(`${join(dataDir, 'personalize-jobs.json')} ${problem}`);
    await expect(loadDataDir(dataDir)).rejects.toThrow('restore it, delete it, or start with another --data-dir');
  });
});
