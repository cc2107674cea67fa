import { ConfigurationError, InvalidRunInputError, PersonalizeBusyError } from '../../src/domain/errors';
import type { QueuedStart } from '../../src/domain/queued-start';
import type { SolutionVersionSummary } from '../../src/domain/solution-choice';
import type { SolutionVersions } from '../../src/use-cases/ports';
import { resolveSolutionVersion } from '../../src/use-cases/resolve-solution-version';
import { startJob, type StartJobDependencies, type StartJobResult } from '../../src/use-cases/start-job';
import { executionRef, FakeBatchJobs, FakeDataBucket, INPUT_PATH, LAYOUT, OUTPUT_BASE_URI, ROLE_ARN, SOLUTION_VERSION_ARN } from '../support/sample-run';
import { fakeSlotQueues } from '../support/fake-job-slots';

const NOW = Date.parse('2026-01-15T10:00:05.000Z');
const SOLUTION_ARN = 'arn:aws:personalize:us-east-1:123456789012:solution/user-personalization';
const version = (id: string, status: string, created: string): SolutionVersionSummary => ({
  solutionVersionArn: `${SOLUTION_ARN}/${id}`,
  status,
  creationDateTime: new Date(created),
});

/** A solution's versions, changeable between calls; counts the calls. */
class FakeSolutionVersions implements SolutionVersions {
  readonly listed: string[] = [];
  constructor(public versions: SolutionVersionSummary[]) {}

  async list(solutionArn: string): Promise<SolutionVersionSummary[]> {
    this.listed.push(solutionArn);
    return this.versions;
  }
}

function dependencies(solutionVersions: FakeSolutionVersions, bucket = new FakeDataBucket()): StartJobDependencies & { jobs: FakeBatchJobs } {
  return {
    jobs: new FakeBatchJobs(),
    solutionVersions,
    defaults: { solutionVersionArn: SOLUTION_VERSION_ARN, roleArn: ROLE_ARN, outputBaseUri: OUTPUT_BASE_URI },
    layout: LAYOUT,
    configs: bucket,
    staging: bucket,
    now: () => NOW,
    queues: fakeSlotQueues(5, () => NOW),
  };
}

describe('resolveSolutionVersion', () => {
  it('resolves nothing for a run that names no solutionArn, without listing', async () => {
    // Prepare
    const versions = new FakeSolutionVersions([]);

    // Act
    const resolved = await resolveSolutionVersion({ inputPath: INPUT_PATH, solutionVersionArn: SOLUTION_VERSION_ARN }, { solutionVersions: versions, now: () => NOW });

    // Assess
    expect(resolved).toBeUndefined();
    expect(versions.listed).toEqual([]);
  });

  it('refuses to run a solutionArn when the function was wired without ListSolutionVersions', async () => {
    // Act
    const attempt = resolveSolutionVersion({ inputPath: INPUT_PATH, solutionArn: SOLUTION_ARN }, { now: () => NOW });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConfigurationError);
  });
});

describe('startJob with a solutionArn', () => {
  const versions = () =>
    new FakeSolutionVersions([
      version('old', 'ACTIVE', '2026-01-01T00:00:00Z'),
      version('new', 'ACTIVE', '2026-01-08T00:00:00Z'),
      version('newest', 'CREATE IN_PROGRESS', '2026-01-15T00:00:00Z'),
    ]);

  it('creates the job with the newest ACTIVE version and hands the record both ARNs', async () => {
    // Prepare
    const deps = dependencies(versions());

    // Act
    const result = await startJob({ input: { inputPath: INPUT_PATH, solutionArn: SOLUTION_ARN }, execution: executionRef('run-1') }, deps);

    // Assess
    expect(deps.jobs.created[0]?.solutionVersionArn).toBe(`${SOLUTION_ARN}/new`);
    expect(result).toMatchObject({ next: 'POLL', run: { solutionArn: SOLUTION_ARN, solutionVersionArn: `${SOLUTION_ARN}/new` } });
  });

  it('uses the group file\'s solutionArn over the stage default version', async () => {
    // Prepare
    const bucket = new FakeDataBucket().withFile('config/users.json', { solutionArn: SOLUTION_ARN });
    const deps = dependencies(versions(), bucket);

    // Act
    await startJob({ input: { inputPath: INPUT_PATH, jobGroup: 'users' }, execution: executionRef('run-1') }, deps);

    // Assess
    expect(deps.jobs.created[0]?.solutionVersionArn).toBe(`${SOLUTION_ARN}/new`);
  });

  it('keeps the version a queued run resolved first, even when a newer one becomes ACTIVE meanwhile', async () => {
    // Prepare
    const solutionVersions = versions();
    const deps = dependencies(solutionVersions);
    deps.jobs.createResult = new PersonalizeBusyError('Personalize is busy (LimitExceededException): limit reached');
    const request = { input: { inputPath: INPUT_PATH, solutionArn: SOLUTION_ARN }, execution: executionRef('run-1') };
    const first: StartJobResult = await startJob(request, deps);
    if (first.next !== 'WAIT_FOR_CAPACITY') throw new Error('expected a capacity wait');
    const queued = JSON.parse(JSON.stringify(first.queued)) as QueuedStart;
    solutionVersions.versions = [...solutionVersions.versions, version('retrained', 'ACTIVE', '2026-01-15T09:00:00Z')];
    deps.jobs.createResult = undefined;

    // Act
    const second = await startJob({ ...request, queued }, { ...deps, now: () => NOW + 60_000 });

    // Assess
    expect(solutionVersions.listed).toHaveLength(1);
    expect(deps.jobs.created.map((settings) => settings.solutionVersionArn)).toEqual([`${SOLUTION_ARN}/new`, `${SOLUTION_ARN}/new`]);
    expect(second).toMatchObject({ next: 'POLL', run: { solutionArn: SOLUTION_ARN, solutionVersionArn: `${SOLUTION_ARN}/new` } });
  });

  it('fails with the solution named and no job created when no version is ACTIVE', async () => {
    // Prepare
    const deps = dependencies(new FakeSolutionVersions([version('a', 'CREATE FAILED', '2026-01-01T00:00:00Z')]));

    // Act
    const attempt = startJob({ input: { inputPath: INPUT_PATH, solutionArn: SOLUTION_ARN }, execution: executionRef('run-1') }, deps);

    // Assess
    await expect(attempt).rejects.toThrow(new InvalidRunInputError([{ field: 'solutionArn', message: `${SOLUTION_ARN} has no ACTIVE solution version (1 version: 1 CREATE FAILED)` }]));
    expect(deps.jobs.created).toEqual([]);
  });
});
