import type { SFNClient } from '@aws-sdk/client-sfn';
import defaultCatalog from '../../src/local/personalize/default-catalog.json';
import { startLocalEnvironment, type LocalEnvironment } from '../../src/local/local-environment';
import type { StandInCatalog } from '../../src/local/personalize';
import { historyOf, runManually, sfnClientFor } from '../support/local-run';

const EVERYTHING_FILTER_ARN = 'arn:aws:personalize:us-east-1:123456789012:filter/local-exclude-everything';
const CATALOG: StandInCatalog = {
  ...(defaultCatalog as StandInCatalog),
  filters: [...(defaultCatalog as StandInCatalog).filters, { arn: EVERYTHING_FILTER_ARN, excludeItemIds: (defaultCatalog as StandInCatalog).itemIds }],
};
const USER_ID_ERROR = 'Invalid input record: USER_PERSONALIZATION solution versions need a "userId" string of 1 to 256 characters';
const users = (count: number) => Array.from({ length: count }, (_, index) => JSON.stringify({ userId: `user-${index}` }));

/** What "Verify output" decides, end to end: the real ASL, handlers, SDK clients and stand-ins. */
describe('a run\'s output, verified before it is recorded', () => {
  let environment: LocalEnvironment;
  let sfn: SFNClient;

  beforeAll(async () => {
    environment = await startLocalEnvironment({ catalog: CATALOG, jobDurations: { pendingMs: 60_000, inProgressMs: 120_000 } });
    sfn = sfnClientFor(environment);
  });

  afterAll(async () => {
    sfn.destroy();
    await environment.close();
  });

  async function run(name: string, lines: string[], settings: Record<string, unknown> = {}) {
    await environment.upload(`manual/${name}.jsonl`, `${lines.join('\n')}\n`);
    const execution = await runManually(environment, sfn, name, { inputPath: `s3://${environment.bucket}/manual/${name}.jsonl`, ...settings });
    return { execution, record: await environment.getRunRecord(name) };
  }

  it('fails an upload whose three lines use userID, user_id and a numeric userId (issue 8\'s example), with the figures', async () => {
    // Prepare
    await environment.upload('input/wrong-fields.jsonl', '{"userID":"user-001"}\n{"user_id":"user-002"}\n{"userId":3}\n');

    // Act
    const [summary] = await environment.triggersSettled();
    const started = summary?.started[0];
    if (!started) throw new Error(`no run started: ${JSON.stringify(summary)}`);
    const execution = await environment.stepFunctions.waitForExecution(started.executionArn);
    const record = await environment.getRunRecord(started.executionName);

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'OutputRejected', cause: `3 of 3 records failed: ${USER_ID_ERROR}` });
    expect(record).toMatchObject({
      status: 'FAILED',
      jobStatus: 'ACTIVE',
      errorType: 'OutputRejected',
      failureReason: `3 of 3 records failed: ${USER_ID_ERROR}`,
      outputFiles: 1,
      records: 3,
      errorRecords: 3,
      emptyRecords: 0,
      firstErrors: [USER_ID_ERROR],
      inputRecords: 3,
      maxErrorRate: 0.1,
    });
    expect(record?.outputLocation).toBeUndefined();
    const entered = (await historyOf(sfn, started.executionArn)).flatMap((event) => (event.type?.endsWith('StateEntered') ? [event.stateEnteredEventDetails?.name] : []));
    expect(entered.slice(-4)).toEqual(['Verify output', 'Record run', 'Run succeeded?', 'Run failed']);
  });

  it('keeps a run with one bad line of 10 SUCCEEDED under the default maxErrorRate, and says how many failed', async () => {
    // Act
    const { execution, record } = await run('one-bad-of-ten', [...users(9), '{"user":"x"}']);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(record).toMatchObject({ status: 'SUCCEEDED', records: 10, errorRecords: 1, emptyRecords: 0, inputRecords: 10, firstErrors: [USER_ID_ERROR] });
  });

  it('fails the same input when the run tolerates no error (maxErrorRate 0)', async () => {
    // Act
    const { record } = await run('one-bad-strict', [...users(9), '{"user":"x"}'], { maxErrorRate: 0 });

    // Assess
    expect(record).toMatchObject({
      status: 'FAILED',
      errorType: 'OutputRejected',
      failureReason: `1 of 10 records failed (more than maxErrorRate 0): ${USER_ID_ERROR}`,
      maxErrorRate: 0,
    });
  });

  it('fails a run whose filter leaves every record without a recommendation, counting them as emptyRecords', async () => {
    // Act
    const { execution, record } = await run('filtered-away', users(4), { filterArn: EVERYTHING_FILTER_ARN });

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(record).toMatchObject({
      status: 'FAILED',
      errorType: 'OutputRejected',
      failureReason: 'No record got a recommendation: 4 of 4 records have an empty list; check the filter and numResults',
      records: 4,
      errorRecords: 0,
      emptyRecords: 4,
    });
  });

  it('refuses a maxErrorRate outside 0 to 1 before any job starts', async () => {
    // Act
    const { record } = await run('rate-as-percent', users(1), { maxErrorRate: 5 });

    // Assess
    expect(record).toMatchObject({
      status: 'FAILED',
      errorType: 'InvalidRunInputError',
      failureReason: 'Invalid run input: maxErrorRate: must be at most 1 (a share of the records, not a percentage)',
    });
    expect(record?.jobArn).toBeUndefined();
  });
});
