import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadSchedules } from '../../resources/schedules-file';

// The deploy-time module is plain CommonJS, loaded by the Serverless Framework.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildResources } = require('../../resources/schedules.js') as {
  buildResources(schedules: Array<Record<string, unknown>>, prefix: string): { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
};

const schedule = (name: string) => ({ name, expression: 'rate(1 day)', inputKey: 'scheduled/x.jsonl' });

describe('loadSchedules (resources/schedules-file.js)', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'pbo-schedules-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function fileWith(schedules: unknown[]): Promise<string> {
    const file = join(directory, 'schedules.json');
    await writeFile(file, JSON.stringify({ schedules }));
    return file;
  }

  it('refuses two names that would share a CloudFormation logical id', async () => {
    // Prepare
    const file = await fileWith([schedule('nightly-users'), schedule('nightly_users')]);

    // Act & Assess
    expect(() => loadSchedules(file)).toThrow('schedule "nightly_users": name is too like "nightly-users" (both become ScheduleNightlyUsers)');
  });

  it.each([
    ['no input', { name: 'a', expression: 'rate(1 day)' }, 'needs exactly one of inputKey and inputPath'],
    ['a bad expression', { name: 'a', expression: 'every day', inputKey: 'k' }, 'expression must be cron(...), rate(...) or at(...)'],
    ['a bad name', { name: 'nightly users', expression: 'rate(1 day)', inputKey: 'k' }, 'name must be 1-64 letters'],
  ])('refuses a schedule with %s', async (_label, entry, message) => {
    const file = await fileWith([entry]);
    expect(() => loadSchedules(file)).toThrow(message);
  });

  it('refuses a name used twice', async () => {
    const file = await fileWith([schedule('nightly'), schedule('nightly')]);
    expect(() => loadSchedules(file)).toThrow(`Invalid schedules file ${file}: schedule "nightly": name is used twice`);
  });

  it('refuses members of the wrong type, all of them at once', async () => {
    const file = await fileWith([{ ...schedule('typed'), jobGroup: 7, timezone: ['UTC'] }]);
    expect(() => loadSchedules(file)).toThrow('schedule "typed": timezone must be a string; jobGroup must be a string');
  });

  it('refuses a file whose schedules are not a list', async () => {
    const file = join(directory, 'schedules.json');
    await writeFile(file, JSON.stringify({ schedules: { name: 'a' } }));
    expect(() => loadSchedules(file)).toThrow(`Invalid schedules file ${file}: schedules: must be an array`);
  });

  it('names a missing file', () => {
    const file = join(directory, 'none.json');
    expect(() => loadSchedules(file)).toThrow(`Cannot read schedules file ${file}: no such file`);
  });

  it('returns the schedules of a valid file, unknown members included', async () => {
    const file = await fileWith([{ ...schedule('a'), owner: 'team-x' }]);
    expect(loadSchedules(file)).toEqual([{ ...schedule('a'), owner: 'team-x' }]);
  });

});

describe('buildResources (resources/schedules.js)', () => {
  it('keeps every Scheduler name within 64 characters and distinct when long names are shortened', () => {
    // Prepare: two long names that share their first 64 characters once prefixed.
    const long = 'a'.repeat(40);
    const schedules = [schedule(`${long}-first`), schedule(`${long}-second`)];

    // Act
    const { Resources } = buildResources(schedules, 'personalize-batch-orchestrator-prod');
    const names = Object.values(Resources)
      .filter((resource) => resource.Type === 'AWS::Scheduler::Schedule')
      .map((resource) => resource.Properties.Name as string);

    // Assess
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(64);
  });

  it('creates no role when there are no schedules', () => {
    expect(buildResources([], 'x')).toEqual({ Resources: {} });
  });
});
