import type { SFNClient } from '@aws-sdk/client-sfn';
import { startLocalEnvironment, type LocalEnvironment } from '../../src/local/local-environment';
import { DEFAULT_CATALOG, type StandInCatalog } from '../../src/local/personalize';
import { runManually, sfnClientFor } from '../support/local-run';

/*
 * Runs that name a solutionArn, end to end through the real SDK clients: an upload to a group
 * whose file names the solution, the trigger, the state machine, ListSolutionVersions and
 * CreateBatchInferenceJob on the Personalize stand-in, and the record in the runs table.
 */

const USERS = ['user-001', 'user-002'].map((userId) => JSON.stringify({ userId })).join('\n');
const ARN = 'arn:aws:personalize:us-east-1:123456789012:solution/';
const DAY_MS = 86_400_000;
const NOW = Date.now();
const daysAgo = (days: number) => new Date(NOW - days * DAY_MS).toISOString();

/** The bundled catalog plus a solution whose newest ACTIVE version is 20 days old, and one newer version still training. */
const CATALOG: StandInCatalog = {
  ...DEFAULT_CATALOG,
  solutionVersions: [
    ...DEFAULT_CATALOG.solutionVersions,
    { arn: `${ARN}stale-model/old`, recipe: 'USER_PERSONALIZATION', status: 'ACTIVE', creationDateTime: daysAgo(20) },
    { arn: `${ARN}stale-model/older`, recipe: 'USER_PERSONALIZATION', status: 'ACTIVE', creationDateTime: daysAgo(27) },
    { arn: `${ARN}stale-model/training`, recipe: 'USER_PERSONALIZATION', status: 'CREATE IN_PROGRESS', creationDateTime: daysAgo(1) },
  ],
};

describe('runs against the latest trained version', () => {
  let environment: LocalEnvironment;
  let sfn: SFNClient;

  beforeAll(async () => {
    environment = await startLocalEnvironment({ catalog: CATALOG });
    sfn = sfnClientFor(environment);
  });

  afterAll(async () => {
    sfn.destroy();
    await environment.close();
  });

  /** Writes the group's file, uploads a file into the group's folder and waits for its run to end. */
  async function uploadToGroup(group: string, config: Record<string, unknown>) {
    await environment.upload(`config/${group}.json`, JSON.stringify(config));
    await environment.upload(`input/${group}/users.jsonl`, USERS);
    const summaries = await environment.triggersSettled();
    const started = summaries.flatMap((summary) => summary.started).find((run) => run.key === `input/${group}/users.jsonl`);
    if (!started) throw new Error(`no run started for ${group}: ${JSON.stringify(summaries)}`);
    const execution = await environment.stepFunctions.waitForExecution(started.executionArn);
    return { execution, record: await environment.getRunRecord(started.executionName) };
  }

  it('goes from an upload whose group names a solution to a SUCCEEDED record naming the newest ACTIVE version', async () => {
    // Act: the bundled User-Personalization solution also has an older ACTIVE version, a newer
    // CREATE FAILED one and a newer one still training.
    const { execution, record } = await uploadToGroup('latest', { solutionArn: `${ARN}local-user-personalization`, numResults: 5 });

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(record).toMatchObject({
      status: 'SUCCEEDED',
      jobGroup: 'latest',
      solutionArn: `${ARN}local-user-personalization`,
      solutionVersionArn: `${ARN}local-user-personalization/1a2b3c4d`,
    });
    const jobs = environment.personalize.jobs().filter((job) => job.jobArn === record?.jobArn);
    expect(jobs).toHaveLength(1);
  });

  it('lets a run that names a solutionVersionArn override its group\'s solutionArn', async () => {
    // Prepare
    await environment.upload('config/pinned-over-latest.json', JSON.stringify({ solutionArn: `${ARN}local-untrained` }));
    await environment.upload('manual/users.jsonl', USERS);

    // Act
    const execution = await runManually(environment, sfn, 'manual-pinned-over-latest', {
      inputPath: `s3://${environment.bucket}/manual/users.jsonl`,
      jobGroup: 'pinned-over-latest',
      solutionVersionArn: `${ARN}local-user-personalization/0f9e8d7c`,
    });
    const record = await environment.getRunRecord('manual-pinned-over-latest');

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(record).toMatchObject({ status: 'SUCCEEDED', solutionVersionArn: `${ARN}local-user-personalization/0f9e8d7c` });
    expect(record?.solutionArn).toBeUndefined();
  });

  it('fails clearly, starting no job, when the solution has no ACTIVE version', async () => {
    // Prepare
    const jobsBefore = environment.personalize.jobs().length;

    // Act
    const { execution, record } = await uploadToGroup('untrained', { solutionArn: `${ARN}local-untrained` });

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(record).toMatchObject({
      status: 'FAILED',
      errorType: 'InvalidRunInputError',
      failureReason: `Invalid run input: solutionArn: ${ARN}local-untrained has no ACTIVE solution version (2 versions: 1 CREATE PENDING, 1 CREATE FAILED)`,
    });
    expect(environment.personalize.jobs()).toHaveLength(jobsBefore);
  });

  it('fails clearly when the newest ACTIVE version is older than maxSolutionVersionAgeDays', async () => {
    // Act
    const { execution, record } = await uploadToGroup('stale', { solutionArn: `${ARN}stale-model`, maxSolutionVersionAgeDays: 14 });

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(record).toMatchObject({ status: 'FAILED', errorType: 'InvalidRunInputError' });
    expect(record?.failureReason).toMatch(
      new RegExp(`^Invalid run input: solutionArn: the newest ACTIVE solution version of ${ARN}stale-model, ${ARN}stale-model/old, was created .*, 20\\.0 days ago: older than maxSolutionVersionAgeDays \\(14\\)`),
    );
  });

  it('runs the same stale version when the age limit allows it', async () => {
    // Act
    const { record } = await uploadToGroup('stale-allowed', { solutionArn: `${ARN}stale-model`, maxSolutionVersionAgeDays: 21 });

    // Assess
    expect(record).toMatchObject({ status: 'SUCCEEDED', solutionVersionArn: `${ARN}stale-model/old`, solutionArn: `${ARN}stale-model` });
  });

  it('fails clearly when the solution does not exist', async () => {
    // Act
    const { record } = await uploadToGroup('missing', { solutionArn: `${ARN}no-such-solution` });

    // Assess
    expect(record).toMatchObject({
      status: 'FAILED',
      errorType: 'InvalidRunInputError',
      failureReason: `Invalid run input: solutionArn: Personalize cannot list the versions of ${ARN}no-such-solution (ResourceNotFoundException): Could not find solution: ${ARN}no-such-solution`,
    });
  });
});
