import {
  CreateBatchInferenceJobCommand,
  ListSolutionVersionsCommand,
  PersonalizeClient,
  paginateListSolutionVersions,
  type SolutionVersionSummary,
} from '@aws-sdk/client-personalize';
import { PersonalizeBatchJobs } from '../../src/adapters/personalize-jobs';
import { InvalidRunInputError } from '../../src/domain/errors';
import { VirtualClock } from '../../src/local/clock';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';
import { DEFAULT_CATALOG, describeSolutions, loadCatalog, startPersonalizeStandIn, type PersonalizeStandIn, type StandInCatalog } from '../../src/local/personalize';

/*
 * ListSolutionVersions on the Personalize stand-in, through the real PersonalizeClient: the
 * service model's validation, errors and pagination, and the solution versions a catalog holds.
 * No job runs here, so the stand-in's S3 endpoint is never called.
 */

const ARN = 'arn:aws:personalize:us-east-1:123456789012:solution/';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/PersonalizeBatchInferenceRole';
const MANY = 150;
const CATALOG: StandInCatalog = {
  ...DEFAULT_CATALOG,
  solutionVersions: [
    ...DEFAULT_CATALOG.solutionVersions,
    ...Array.from({ length: MANY }, (_, index) => ({
      arn: `${ARN}weekly/${String(index).padStart(4, '0')}`,
      recipe: 'USER_PERSONALIZATION' as const,
      status: index % 10 === 0 ? ('CREATE FAILED' as const) : ('ACTIVE' as const),
      creationDateTime: new Date(Date.UTC(2024, 0, 1) + index * 7 * 86_400_000).toISOString(),
    })),
  ],
};

let standIn: PersonalizeStandIn;
let client: PersonalizeClient;

beforeAll(async () => {
  standIn = await startPersonalizeStandIn({ s3Endpoint: 'http://127.0.0.1:9', clock: new VirtualClock(Date.parse('2026-11-29T00:00:00Z')), catalog: CATALOG });
  client = new PersonalizeClient({ endpoint: standIn.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
});

afterAll(async () => {
  client.destroy();
  await standIn.close();
});

async function errorOf(promise: Promise<unknown>): Promise<Error & { name: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('ListSolutionVersions', () => {
  it('lists a solution\'s versions with status, times and failure reason', async () => {
    // Act
    const { solutionVersions, nextToken } = await client.send(new ListSolutionVersionsCommand({ solutionArn: `${ARN}local-user-personalization` }));

    // Assess
    expect(nextToken).toBeUndefined();
    expect(solutionVersions?.map((version) => [version.solutionVersionArn, version.status])).toEqual([
      [`${ARN}local-user-personalization/1a2b3c4d`, 'ACTIVE'],
      [`${ARN}local-user-personalization/0f9e8d7c`, 'ACTIVE'],
      [`${ARN}local-user-personalization/7a6b5c4d`, 'CREATE FAILED'],
      [`${ARN}local-user-personalization/3e4f5a6b`, 'CREATE IN_PROGRESS'],
    ]);
    const failed = solutionVersions?.[2];
    expect(failed?.creationDateTime).toEqual(new Date('2026-11-25T03:00:00Z'));
    expect(failed?.failureReason).toBe('Not enough interactions since the last training');
  });

  it('pages through 100 versions at most per call, and the SDK paginator reads them all', async () => {
    // Act
    const first = await client.send(new ListSolutionVersionsCommand({ solutionArn: `${ARN}weekly` }));
    const all: SolutionVersionSummary[] = [];
    for await (const page of paginateListSolutionVersions({ client, pageSize: 40 }, { solutionArn: `${ARN}weekly` })) all.push(...(page.solutionVersions ?? []));

    // Assess
    expect(first.solutionVersions).toHaveLength(100);
    expect(first.nextToken).toEqual(expect.any(String));
    expect(all).toHaveLength(MANY);
    expect(new Set(all.map((version) => version.solutionVersionArn)).size).toBe(MANY);
  });

  it('lists every version of the account without a solutionArn', async () => {
    // Act
    const all: SolutionVersionSummary[] = [];
    for await (const page of paginateListSolutionVersions({ client }, {})) all.push(...(page.solutionVersions ?? []));

    // Assess
    expect(all).toHaveLength(CATALOG.solutionVersions.length);
  });

  it('answers ResourceNotFoundException for a solution that does not exist', async () => {
    // Act
    const error = await errorOf(client.send(new ListSolutionVersionsCommand({ solutionArn: `${ARN}no-such-solution` })));

    // Assess
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toBe(`Could not find solution: ${ARN}no-such-solution`);
  });

  it.each([
    ['a malformed solutionArn', { solutionArn: 'users' }, "Value 'users' at 'solutionArn' failed to satisfy constraint: Member must satisfy regular expression pattern"],
    ['maxResults above 100', { maxResults: 101 }, "at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100"],
    ['maxResults below 1', { maxResults: 0 }, "at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"],
    ['a nextToken over 1500 characters', { nextToken: 'x'.repeat(1501) }, "at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to 1500"],
  ])('refuses %s with InvalidInputException', async (_case, input, message) => {
    // Act
    const error = await errorOf(client.send(new ListSolutionVersionsCommand(input)));

    // Assess
    expect(error.name).toBe('InvalidInputException');
    expect(error.message).toContain(message);
  });

  it('refuses a token it did not issue, or one replayed for another solution, with InvalidNextTokenException', async () => {
    // Prepare
    const { nextToken } = await client.send(new ListSolutionVersionsCommand({ solutionArn: `${ARN}weekly`, maxResults: 10 }));

    // Act
    const forged = await errorOf(client.send(new ListSolutionVersionsCommand({ solutionArn: `${ARN}weekly`, nextToken: 'not-a-token' })));
    const replayed = await errorOf(client.send(new ListSolutionVersionsCommand({ solutionArn: `${ARN}local-user-personalization`, nextToken })));

    // Assess
    expect(forged.name).toBe('InvalidNextTokenException');
    expect(replayed.name).toBe('InvalidNextTokenException');
  });
});

describe('solution versions that are not ACTIVE', () => {
  it.each([`${ARN}local-user-personalization/7a6b5c4d`, `${ARN}local-untrained/1b2c3d4e`])('cannot run a batch inference job: %s', async (solutionVersionArn) => {
    // Act
    const error = await errorOf(
      client.send(
        new CreateBatchInferenceJobCommand({
          jobName: 'not-active',
          solutionVersionArn,
          roleArn: ROLE_ARN,
          jobInput: { s3DataSource: { path: 's3://bucket/input/' } },
          jobOutput: { s3DataDestination: { path: 's3://bucket/output/' } },
        }),
      ),
    );

    // Assess
    expect(error.name).toBe('InvalidInputException');
    expect(error.message).toMatch(/^Solution version .* is not ACTIVE: it is CREATE (FAILED|PENDING)\.$/);
  });
});

describe('the adapter over the stand-in', () => {
  it('reads every page of a solution\'s versions', async () => {
    // Act
    const versions = await new PersonalizeBatchJobs({ client }).list(`${ARN}weekly`);

    // Assess
    expect(versions).toHaveLength(MANY);
    expect(versions[3]).toEqual({
      solutionVersionArn: `${ARN}weekly/0003`,
      status: 'ACTIVE',
      creationDateTime: new Date(Date.UTC(2024, 0, 22)),
      lastUpdatedDateTime: new Date(Date.UTC(2024, 0, 22)),
    });
  });

  it('turns an unknown solution into the run\'s input error', async () => {
    // Act
    const attempt = new PersonalizeBatchJobs({ client }).list(`${ARN}no-such-solution`);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidRunInputError);
    await expect(attempt).rejects.toThrow(`solutionArn: Personalize cannot list the versions of ${ARN}no-such-solution (ResourceNotFoundException)`);
  });
});

describe('the catalog', () => {
  it('takes a version\'s status, creation time and failure reason, and refuses an unknown status or a bad time', () => {
    // Prepare
    const base = { filters: [], itemIds: ['item-1'] };
    const version = { arn: `${ARN}mine/1`, recipe: 'USER_PERSONALIZATION' };

    // Act / Assess
    expect(loadCatalog({ ...base, solutionVersions: [{ ...version, status: 'CREATE PENDING', creationDateTime: '2026-11-28T03:00:00Z' }] }).solutionVersions[0]).toEqual({
      ...version,
      status: 'CREATE PENDING',
      creationDateTime: '2026-11-28T03:00:00Z',
    });
    expect(() => loadCatalog({ ...base, solutionVersions: [{ ...version, status: 'TRAINING' }] })).toThrow('solutionVersions[0].status');
    expect(() => loadCatalog({ ...base, solutionVersions: [{ ...version, creationDateTime: 'last week' }] })).toThrow(
      'solutionVersions[0].creationDateTime: must be an ISO 8601 date-time',
    );
  });

  it('describes the bundled solutions with their recipes and versions, for local up\'s JSON line', () => {
    // Act
    const solutions = describeSolutions(DEFAULT_CATALOG.solutionVersions);

    // Assess
    expect(solutions.map((solution) => [solution.solutionArn, solution.recipe, solution.solutionVersions.length])).toEqual([
      [`${ARN}local-user-personalization`, 'USER_PERSONALIZATION', 4],
      [`${ARN}local-related-items`, 'RELATED_ITEMS', 1],
      [`${ARN}local-personalized-ranking`, 'PERSONALIZED_RANKING', 1],
      [`${ARN}local-untrained`, 'USER_PERSONALIZATION', 2],
      [`${ARN}local-item-affinity`, 'ITEM_AFFINITY', 1],
      [`${ARN}local-item-attribute-affinity`, 'ITEM_ATTRIBUTE_AFFINITY', 1],
    ]);
    expect(solutions[3]?.solutionVersions[0]).toEqual({ solutionVersionArn: `${ARN}local-untrained/1b2c3d4e`, status: 'CREATE PENDING', creationDateTime: '2026-11-28T03:00:00Z' });
  });
});
