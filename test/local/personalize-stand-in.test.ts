import {
  CreateBatchInferenceJobCommand,
  DescribeBatchInferenceJobCommand,
  ListBatchInferenceJobsCommand,
  PersonalizeClient,
  paginateListBatchInferenceJobs,
  type BatchInferenceJob,
  type CreateBatchInferenceJobCommandInput,
} from '@aws-sdk/client-personalize';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { VirtualClock } from '../../src/local/clock';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';
import { localS3Client, startLocalS3, type LocalS3 } from '../../src/local/local-s3';
import {
  DEFAULT_CATALOG,
  startPersonalizeStandIn,
  type PersonalizeStandIn,
  type PersonalizeStandInOptions,
  type StandInRecipe,
} from '../../src/local/personalize';

const BUCKET = 'personalize-stand-in-test';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/PersonalizeBatchInferenceRole';
const PENDING_MS = 2000;
const IN_PROGRESS_MS = 3000;
const JOB_MS = PENDING_MS + IN_PROGRESS_MS;

function solutionVersionFor(recipe: StandInRecipe): string {
  const version = DEFAULT_CATALOG.solutionVersions.find((candidate) => candidate.recipe === recipe);
  if (!version) throw new Error(`default catalog has no ${recipe} solution version`);
  return version.arn;
}
const USER_SV = solutionVersionFor('USER_PERSONALIZATION');
const RELATED_SV = solutionVersionFor('RELATED_ITEMS');
const RANKING_SV = solutionVersionFor('PERSONALIZED_RANKING');
const FILTER = DEFAULT_CATALOG.filters[0]!;

let s3: LocalS3;
let s3Client: S3Client;

interface Fixture {
  clock: VirtualClock;
  standIn: PersonalizeStandIn;
  client: PersonalizeClient;
}
const fixtures: Fixture[] = [];

/** A fresh stand-in (own jobs, own quota, own clock) sharing the file's s3rver. */
async function startFixture(options: Partial<PersonalizeStandInOptions> = {}): Promise<Fixture> {
  const clock = new VirtualClock();
  const standIn = await startPersonalizeStandIn({ s3Endpoint: s3.endpoint, clock, ...options });
  // maxAttempts 1: the SDK would otherwise retry LimitExceededException (a throttling error) by itself.
  const client = new PersonalizeClient({ endpoint: standIn.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const fixture = { clock, standIn, client };
  fixtures.push(fixture);
  return fixture;
}

let uniqueCounter = 0;
function unique(prefix: string): string {
  uniqueCounter += 1;
  return `${prefix}-${uniqueCounter}`;
}

function request(overrides: Partial<CreateBatchInferenceJobCommandInput> = {}): CreateBatchInferenceJobCommandInput {
  const folder = unique('job');
  return {
    jobName: folder,
    solutionVersionArn: USER_SV,
    roleArn: ROLE_ARN,
    jobInput: { s3DataSource: { path: `s3://${BUCKET}/${folder}/input/` } },
    jobOutput: { s3DataDestination: { path: `s3://${BUCKET}/${folder}/output/` } },
    ...overrides,
  };
}

async function putObject(key: string, body: string): Promise<void> {
  // An explicit length: the SDK cannot size an empty string and warns about it.
  await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentLength: Buffer.byteLength(body) }));
}

function jsonLines(records: readonly unknown[]): string {
  return records.map((record) => JSON.stringify(record)).join('\n') + '\n';
}

async function readText(key: string): Promise<string> {
  const response = await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return (await response.Body?.transformToString('utf8')) ?? '';
}

interface OutputLine {
  input: Record<string, unknown>;
  output: { recommendedItems: string[]; scores: number[]; theme?: string } | null;
  error: string | null;
}

async function readOutput(key: string): Promise<OutputLine[]> {
  const text = await readText(key);
  expect(text.endsWith('\n')).toBe(true);
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as OutputLine);
}

async function keysUnder(prefix: string): Promise<string[]> {
  const response = await s3Client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (response.Contents ?? []).map((object) => object.Key!).sort();
}

function folderOf(input: CreateBatchInferenceJobCommandInput): { inputKey: (name: string) => string; outputKey: (name: string) => string } {
  const strip = (path: string) => path.replace(`s3://${BUCKET}/`, '');
  return {
    inputKey: (name) => strip(input.jobInput!.s3DataSource!.path!) + name,
    outputKey: (name) => strip(input.jobOutput!.s3DataDestination!.path!) + name,
  };
}

async function describeJob(fixture: Fixture, arn: string): Promise<BatchInferenceJob> {
  const { batchInferenceJob } = await fixture.client.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: arn }));
  return batchInferenceJob!;
}

/** Creates a job, moves the clock past its run time and returns what Describe then says. */
async function runToCompletion(fixture: Fixture, input: CreateBatchInferenceJobCommandInput): Promise<BatchInferenceJob> {
  const { batchInferenceJobArn } = await fixture.client.send(new CreateBatchInferenceJobCommand(input));
  fixture.clock.advance(JOB_MS);
  return describeJob(fixture, batchInferenceJobArn!);
}

async function sendExpectingError(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Error)) throw new Error('expected the request to fail, but it succeeded');
  return error;
}


beforeAll(async () => {
  s3 = await startLocalS3();
  s3Client = localS3Client(s3.endpoint);
  await s3Client.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  for (const fixture of fixtures) {
    fixture.client.destroy();
    await fixture.standIn.close();
  }
  s3Client.destroy();
  await s3.close();
});

describe('CreateBatchInferenceJob validation', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startFixture();
  });

  const REMOVE = Symbol('remove');
  const manyEntries = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`key${i}`, 'v']));

  /** A valid request with one member (a dotted path) replaced or removed, as plain JSON the SDK types would refuse. */
  function withMember(path: string, value: unknown): CreateBatchInferenceJobCommandInput {
    const input: Record<string, unknown> = { ...request() };
    const keys = path.split('.');
    const parent = keys.slice(0, -1).reduce((node, key) => node[key] as Record<string, unknown>, input);
    const last = keys.at(-1)!;
    if (value === REMOVE) delete parent[last];
    else parent[last] = value;
    return input as unknown as CreateBatchInferenceJobCommandInput;
  }

  // [what, member to change, its new value, member named in the message, words of the constraint]
  const cases: Array<[string, string, unknown, string, string]> = [
    ['a missing jobName', 'jobName', REMOVE, 'jobName', 'must not be null'],
    ['an empty jobName', 'jobName', '', 'jobName', 'length greater than or equal to 1'],
    ['a 64-character jobName', 'jobName', 'a'.repeat(64), 'jobName', 'length less than or equal to 63'],
    ['a jobName starting with a dash', 'jobName', '-job', 'jobName', 'regular expression pattern'],
    ['a jobName with a space', 'jobName', 'my job', 'jobName', 'regular expression pattern'],
    ['a jobName with a dot', 'jobName', 'job.v1', 'jobName', 'regular expression pattern'],
    ['a missing solutionVersionArn', 'solutionVersionArn', REMOVE, 'solutionVersionArn', 'must not be null'],
    ['a solutionVersionArn that is not an ARN', 'solutionVersionArn', 'my-solution', 'solutionVersionArn', 'regular expression pattern'],
    ['a non-Personalize solutionVersionArn', 'solutionVersionArn', 'arn:aws:s3:::bucket', 'solutionVersionArn', 'regular expression pattern'],
    ['a 257-character solutionVersionArn', 'solutionVersionArn', `${USER_SV}/${'x'.repeat(256 - USER_SV.length)}`, 'solutionVersionArn', 'length less than or equal to 256'],
    ['a filterArn that is not an ARN', 'filterArn', 'exclude-purchased', 'filterArn', 'regular expression pattern'],
    ['a missing roleArn', 'roleArn', REMOVE, 'roleArn', 'must not be null'],
    ['a roleArn without a 12-digit account', 'roleArn', 'arn:aws:iam::12345:role/Batch', 'roleArn', 'regular expression pattern'],
    ['a roleArn for a user', 'roleArn', 'arn:aws:iam::123456789012:user/alice', 'roleArn', 'regular expression pattern'],
    ['a 257-character roleArn', 'roleArn', `arn:aws:iam::123456789012:role/${'r'.repeat(226)}`, 'roleArn', 'length less than or equal to 256'],
    ['a missing jobInput', 'jobInput', REMOVE, 'jobInput', 'must not be null'],
    ['a jobInput without s3DataSource', 'jobInput', {}, 'jobInput.s3DataSource', 'must not be null'],
    ['an s3DataSource without path', 'jobInput.s3DataSource.path', REMOVE, 'jobInput.s3DataSource.path', 'must not be null'],
    ['an ftp:// input path', 'jobInput.s3DataSource.path', 'ftp://bucket/in/', 'jobInput.s3DataSource.path', 'regular expression pattern'],
    ['an input path without a scheme', 'jobInput.s3DataSource.path', 'bucket/in/', 'jobInput.s3DataSource.path', 'regular expression pattern'],
    ['a 257-character input path', 'jobInput.s3DataSource.path', `s3://${BUCKET}/${'k'.repeat(257 - 6 - BUCKET.length)}`, 'jobInput.s3DataSource.path', 'length less than or equal to 256'],
    ['a malformed input kmsKeyArn', 'jobInput.s3DataSource.kmsKeyArn', 'arn:aws:kms:us-east-1:123:key/abc', 'jobInput.s3DataSource.kmsKeyArn', 'regular expression pattern'],
    ['a 2049-character kmsKeyArn', 'jobInput.s3DataSource.kmsKeyArn', `arn:aws:kms:us-east-1:123456789012:key/${'k'.repeat(2010)}`, 'jobInput.s3DataSource.kmsKeyArn', 'length less than or equal to 2048'],
    ['a missing jobOutput', 'jobOutput', REMOVE, 'jobOutput', 'must not be null'],
    ['an output path without a scheme', 'jobOutput.s3DataDestination.path', 'out/', 'jobOutput.s3DataDestination.path', 'regular expression pattern'],
    ['numResults of 0', 'numResults', 0, 'numResults', 'greater than or equal to 1'],
    ['a negative numResults', 'numResults', -5, 'numResults', 'greater than or equal to 1'],
    ['a fractional numResults', 'numResults', 2.5, 'numResults', 'must be an integer'],
    ['batchInferenceJobMode STANDARD', 'batchInferenceJobMode', 'STANDARD', 'batchInferenceJobMode', 'enum value set: [BATCH_INFERENCE, THEME_GENERATION]'],
    ['THEME_GENERATION without themeGenerationConfig', 'batchInferenceJobMode', 'THEME_GENERATION', 'themeGenerationConfig', 'must not be null'],
    ['a themeGenerationConfig without fieldsForThemeGeneration', 'themeGenerationConfig', {}, 'themeGenerationConfig.fieldsForThemeGeneration', 'must not be null'],
    ['fieldsForThemeGeneration without itemName', 'themeGenerationConfig', { fieldsForThemeGeneration: {} }, 'themeGenerationConfig.fieldsForThemeGeneration.itemName', 'must not be null'],
    ['a 151-character itemName', 'themeGenerationConfig', { fieldsForThemeGeneration: { itemName: 'n'.repeat(151) } }, 'themeGenerationConfig.fieldsForThemeGeneration.itemName', 'length less than or equal to 150'],
    ['itemExplorationConfig with 101 entries', 'batchInferenceJobConfig', { itemExplorationConfig: manyEntries(101) }, 'batchInferenceJobConfig.itemExplorationConfig', 'length less than or equal to 100'],
    ['an itemExplorationConfig key of 257 characters', 'batchInferenceJobConfig', { itemExplorationConfig: { ['k'.repeat(257)]: '0.3' } }, 'batchInferenceJobConfig.itemExplorationConfig', 'Map keys must satisfy constraint'],
    ['an itemExplorationConfig value of 1001 characters', 'batchInferenceJobConfig', { itemExplorationConfig: { explorationWeight: '1'.repeat(1001) } }, 'batchInferenceJobConfig.itemExplorationConfig', 'length less than or equal to 1000'],
    ['a rankingInfluence weight above 1', 'batchInferenceJobConfig', { rankingInfluence: { POPULARITY: 1.5 } }, 'batchInferenceJobConfig.rankingInfluence.POPULARITY', 'between 0.0 and 1.0'],
    ['an unknown rankingInfluence key', 'batchInferenceJobConfig', { rankingInfluence: { NOVELTY: 0.5 } }, 'batchInferenceJobConfig.rankingInfluence', 'enum value set: [POPULARITY, FRESHNESS]'],
    ['an empty tag key', 'tags', [{ tagKey: '', tagValue: 'v' }], 'tags.1.member.tagKey', 'length greater than or equal to 1'],
    ['a 129-character tag key', 'tags', [{ tagKey: 'k'.repeat(129), tagValue: 'v' }], 'tags.1.member.tagKey', 'length less than or equal to 128'],
    ['a 257-character tag value', 'tags', [{ tagKey: 'team', tagValue: 'v'.repeat(257) }], 'tags.1.member.tagValue', 'length less than or equal to 256'],
    ['a tag without a value', 'tags', [{ tagKey: 'ok', tagValue: 'v' }, { tagKey: 'team' }], 'tags.2.member.tagValue', 'must not be null'],
  ];

  test.each(cases)('rejects %s with InvalidInputException', async (_what, path, value, member, constraint) => {
    // Prepare
    const input = withMember(path, value);
    // Act
    const error = await sendExpectingError(fixture.client.send(new CreateBatchInferenceJobCommand(input)));
    // Assess
    expect(error.name).toBe('InvalidInputException');
    expect(error.message).toMatch(/^\d+ validation errors? detected: Value .* at '/);
    expect(error.message).toContain(`at '${member}' failed to satisfy constraint: `);
    expect(error.message).toContain(constraint);
  });

  test('quotes the rejected value and the pattern the way AWS does', async () => {
    const error = await sendExpectingError(fixture.client.send(new CreateBatchInferenceJobCommand(request({ jobName: 'my job' }))));
    expect(error.message).toBe(
      "1 validation error detected: Value 'my job' at 'jobName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9][a-zA-Z0-9\\-_]*",
    );
  });

  test('reports every violation in one message', async () => {
    const input = { ...request({ jobName: '', numResults: 0 }), roleArn: undefined };
    const error = await sendExpectingError(fixture.client.send(new CreateBatchInferenceJobCommand(input)));
    expect(error.name).toBe('InvalidInputException');
    // An empty name breaks both its length and its pattern.
    expect(error.message).toMatch(/^4 validation errors detected: /);
    for (const member of ['jobName', 'numResults', 'roleArn']) expect(error.message).toContain(`at '${member}'`);
  });

  test('rejects more than 200 tags with TooManyTagsException', async () => {
    const tags = Array.from({ length: 201 }, (_, i) => ({ tagKey: `key-${i}`, tagValue: 'v' }));
    const error = await sendExpectingError(fixture.client.send(new CreateBatchInferenceJobCommand(request({ tags }))));
    expect(error.name).toBe('TooManyTagsException');
    expect(error.message).toContain('tags');
  });

  test('accepts exactly 200 tags and every optional member at its limit', async () => {
    const tags = Array.from({ length: 200 }, (_, i) => ({ tagKey: `k${i}`.padEnd(128, 'k'), tagValue: 'v'.repeat(256) }));
    const response = await fixture.client.send(
      new CreateBatchInferenceJobCommand(
        request({
          jobName: `A${'b'.repeat(61)}_`,
          filterArn: FILTER.arn,
          numResults: 1,
          tags,
          batchInferenceJobConfig: { itemExplorationConfig: manyEntries(100), rankingInfluence: { POPULARITY: 0, FRESHNESS: 1 } },
        }),
      ),
    );
    expect(response.batchInferenceJobArn).toBe(`arn:aws:personalize:us-east-1:123456789012:batch-inference-job/A${'b'.repeat(61)}_`);
  });

  test('creates nothing when a request is rejected', async () => {
    const own = await startFixture();
    await sendExpectingError(own.client.send(new CreateBatchInferenceJobCommand(request({ numResults: 0 }))));
    expect(own.standIn.jobs()).toEqual([]);
  });
});

describe('CreateBatchInferenceJob resource checks', () => {
  test('answers with the job ARN built from region, account and name', async () => {
    const { client } = await startFixture({ region: 'eu-west-1', accountId: '210987654321' });
    const input = request();
    const { batchInferenceJobArn } = await client.send(new CreateBatchInferenceJobCommand(input));
    expect(batchInferenceJobArn).toBe(`arn:aws:personalize:eu-west-1:210987654321:batch-inference-job/${input.jobName}`);
  });

  test('rejects a solution version that is not in the catalog with ResourceNotFoundException', async () => {
    const { client } = await startFixture();
    const unknown = 'arn:aws:personalize:us-east-1:123456789012:solution/nope/00000000';
    const error = await sendExpectingError(client.send(new CreateBatchInferenceJobCommand(request({ solutionVersionArn: unknown }))));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toContain(unknown);
  });

  test('rejects a filter that is not in the catalog with ResourceNotFoundException', async () => {
    const { client } = await startFixture();
    const unknown = 'arn:aws:personalize:us-east-1:123456789012:filter/nope';
    const error = await sendExpectingError(client.send(new CreateBatchInferenceJobCommand(request({ filterArn: unknown }))));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toContain(unknown);
  });

  test('rejects a reused job name while the first job runs and after it has finished', async () => {
    const fixture = await startFixture();
    const first = request();
    await fixture.client.send(new CreateBatchInferenceJobCommand(first));
    const whileRunning = await sendExpectingError(fixture.client.send(new CreateBatchInferenceJobCommand(request({ jobName: first.jobName }))));
    expect(whileRunning.name).toBe('ResourceAlreadyExistsException');
    expect(whileRunning.message).toContain(first.jobName);

    fixture.clock.advance(JOB_MS);
    await fixture.standIn.settle();
    expect(fixture.standIn.jobs()[0]?.status).toBe('CREATE FAILED'); // no input was uploaded
    const afterFinish = await sendExpectingError(fixture.client.send(new CreateBatchInferenceJobCommand(request({ jobName: first.jobName }))));
    expect(afterFinish.name).toBe('ResourceAlreadyExistsException');
  });

  test('allows five jobs in flight, refuses the sixth, and has room again once they finish', async () => {
    const fixture = await startFixture();
    for (let i = 0; i < 5; i += 1) await fixture.client.send(new CreateBatchInferenceJobCommand(request()));
    // Half-way: some would be in progress, none finished.
    fixture.clock.advance(PENDING_MS);

    const refused = await sendExpectingError(fixture.client.send(new CreateBatchInferenceJobCommand(request())));
    expect(refused.name).toBe('LimitExceededException');
    expect(fixture.standIn.jobs()).toHaveLength(5);

    fixture.clock.advance(IN_PROGRESS_MS);
    const accepted = await fixture.client.send(new CreateBatchInferenceJobCommand(request()));
    expect(accepted.batchInferenceJobArn).toBeDefined();
    // The create observed the due jobs and finalized them.
    expect(fixture.standIn.jobs().map((job) => job.status)).toEqual([...Array(5).fill('CREATE FAILED'), 'CREATE PENDING']);
  });

  test('honours a custom maxConcurrentJobs', async () => {
    const fixture = await startFixture({ maxConcurrentJobs: 1 });
    await fixture.client.send(new CreateBatchInferenceJobCommand(request()));
    const refused = await sendExpectingError(fixture.client.send(new CreateBatchInferenceJobCommand(request())));
    expect(refused.name).toBe('LimitExceededException');
  });

  test('checks validation, then existence, then name reuse, then the quota', async () => {
    const fixture = await startFixture({ maxConcurrentJobs: 1 });
    const taken = request();
    await fixture.client.send(new CreateBatchInferenceJobCommand(taken));
    const unknownVersion = 'arn:aws:personalize:us-east-1:123456789012:solution/nope/00000000';

    const invalidAndUnknown = request({ numResults: 0, solutionVersionArn: unknownVersion, jobName: taken.jobName });
    const unknownAndTaken = request({ solutionVersionArn: unknownVersion, jobName: taken.jobName });
    const takenAndOverQuota = request({ jobName: taken.jobName });

    expect((await sendExpectingError(fixture.client.send(new CreateBatchInferenceJobCommand(invalidAndUnknown)))).name).toBe('InvalidInputException');
    expect((await sendExpectingError(fixture.client.send(new CreateBatchInferenceJobCommand(unknownAndTaken)))).name).toBe('ResourceNotFoundException');
    expect((await sendExpectingError(fixture.client.send(new CreateBatchInferenceJobCommand(takenAndOverQuota)))).name).toBe('ResourceAlreadyExistsException');
    expect((await sendExpectingError(fixture.client.send(new CreateBatchInferenceJobCommand(request())))).name).toBe('LimitExceededException');
  });
});

describe('job lifecycle', () => {
  test('moves from CREATE PENDING to CREATE IN_PROGRESS to ACTIVE as the clock advances', async () => {
    // Prepare
    const fixture = await startFixture();
    const input = request();
    await putObject(folderOf(input).inputKey('users.json'), jsonLines([{ userId: 'user-001' }]));
    const t0 = fixture.clock.now();
    const { batchInferenceJobArn } = await fixture.client.send(new CreateBatchInferenceJobCommand(input));
    const arn = batchInferenceJobArn!;

    // Act + Assess
    const pending = await describeJob(fixture, arn);
    expect(pending.status).toBe('CREATE PENDING');
    expect(pending.creationDateTime).toEqual(new Date(t0));
    expect(pending.lastUpdatedDateTime).toEqual(new Date(t0));

    fixture.clock.advance(PENDING_MS - 1);
    expect((await describeJob(fixture, arn)).status).toBe('CREATE PENDING');

    fixture.clock.advance(1);
    const inProgress = await describeJob(fixture, arn);
    expect(inProgress.status).toBe('CREATE IN_PROGRESS');
    expect(inProgress.lastUpdatedDateTime).toEqual(new Date(t0 + PENDING_MS));
    expect(await keysUnder(folderOf(input).outputKey(''))).toEqual([]);

    fixture.clock.advance(IN_PROGRESS_MS - 1);
    expect((await describeJob(fixture, arn)).status).toBe('CREATE IN_PROGRESS');

    fixture.clock.advance(1);
    const active = await describeJob(fixture, arn);
    expect(active.status).toBe('ACTIVE');
    expect(active.failureReason).toBeUndefined();
    expect(active.creationDateTime).toEqual(new Date(t0));
    expect(active.lastUpdatedDateTime).toEqual(new Date(t0 + JOB_MS));
    expect(await keysUnder(folderOf(input).outputKey(''))).toEqual([folderOf(input).outputKey('users.json.out')]);
  });

  test('uses the configured durations', async () => {
    const fixture = await startFixture({ durations: { pendingMs: 10, inProgressMs: 60_000 } });
    const { batchInferenceJobArn } = await fixture.client.send(new CreateBatchInferenceJobCommand(request()));
    fixture.clock.advance(10);
    expect((await describeJob(fixture, batchInferenceJobArn!)).status).toBe('CREATE IN_PROGRESS');
    fixture.clock.advance(59_999);
    expect((await describeJob(fixture, batchInferenceJobArn!)).status).toBe('CREATE IN_PROGRESS');
    fixture.clock.advance(1);
    expect((await describeJob(fixture, batchInferenceJobArn!)).status).toBe('CREATE FAILED');
  });

  test('settle() finalizes due jobs without any request, and jobs() reports them', async () => {
    const fixture = await startFixture();
    const input = request();
    await putObject(folderOf(input).inputKey('users.json'), jsonLines([{ userId: 'user-002' }]));
    await fixture.client.send(new CreateBatchInferenceJobCommand(input));
    fixture.clock.advance(JOB_MS);
    // Due but not finalized: still reads as running, and no output exists yet.
    expect(fixture.standIn.jobs()).toEqual([
      { jobType: 'BATCH_INFERENCE', jobName: input.jobName, jobArn: expect.stringMatching(/:batch-inference-job\//), status: 'CREATE IN_PROGRESS' },
    ]);

    await fixture.standIn.settle();

    expect(fixture.standIn.jobs()[0]?.status).toBe('ACTIVE');
    expect(await keysUnder(folderOf(input).outputKey(''))).toEqual([folderOf(input).outputKey('users.json.out')]);
  });

  test('Describe echoes the request members and defaults the mode to BATCH_INFERENCE', async () => {
    const fixture = await startFixture();
    const kmsKeyArn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const input = request({
      filterArn: FILTER.arn,
      numResults: 10,
      batchInferenceJobConfig: { itemExplorationConfig: { explorationWeight: '0.3', explorationItemAgeCutOff: '30' } },
      tags: [{ tagKey: 'team', tagValue: 'growth' }],
    });
    input.jobOutput!.s3DataDestination!.kmsKeyArn = kmsKeyArn;
    const { batchInferenceJobArn } = await fixture.client.send(new CreateBatchInferenceJobCommand(input));

    const job = await describeJob(fixture, batchInferenceJobArn!);

    expect(job).toEqual({
      jobName: input.jobName,
      batchInferenceJobArn,
      filterArn: FILTER.arn,
      solutionVersionArn: USER_SV,
      numResults: 10,
      jobInput: input.jobInput,
      jobOutput: { s3DataDestination: { path: input.jobOutput!.s3DataDestination!.path, kmsKeyArn } },
      batchInferenceJobConfig: { itemExplorationConfig: { explorationWeight: '0.3', explorationItemAgeCutOff: '30' } },
      roleArn: ROLE_ARN,
      batchInferenceJobMode: 'BATCH_INFERENCE',
      status: 'CREATE PENDING',
      creationDateTime: new Date(fixture.clock.now()),
      lastUpdatedDateTime: new Date(fixture.clock.now()),
    });
  });

  test('Describe rejects an unknown ARN with ResourceNotFoundException and a malformed one with InvalidInputException', async () => {
    const { client } = await startFixture();
    const unknown = 'arn:aws:personalize:us-east-1:123456789012:batch-inference-job/never-created';
    const notFound = await sendExpectingError(client.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: unknown })));
    expect(notFound.name).toBe('ResourceNotFoundException');
    expect(notFound.message).toContain(unknown);

    const malformed = await sendExpectingError(client.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: 'never-created' })));
    expect(malformed.name).toBe('InvalidInputException');
    expect(malformed.message).toContain("at 'batchInferenceJobArn'");

    const missing = await sendExpectingError(client.send(new DescribeBatchInferenceJobCommand({} as never)));
    expect(missing.name).toBe('InvalidInputException');
    expect(missing.message).toContain("Value null at 'batchInferenceJobArn' failed to satisfy constraint: Member must not be null");
  });
});

describe('batch output', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startFixture({ maxConcurrentJobs: 100 });
  });

  const catalogItems = new Set(DEFAULT_CATALOG.itemIds);

  function expectWellFormedScores(scores: readonly number[]): void {
    // One assertion per property rather than per score keeps failures short.
    expect(scores.filter((score) => !(score > 0 && score <= 1))).toEqual([]);
    expect(scores.findIndex((score, i) => i > 0 && score > scores[i - 1]!)).toBe(-1);
    expect(scores.reduce((sum, score) => sum + score, 0)).toBeLessThanOrEqual(1);
  }

  test('writes <file>.out with one Personalize-format line per record (USER_PERSONALIZATION)', async () => {
    // Prepare
    const input = request();
    const records = [{ userId: 'user-001' }, { userId: 'user-002', filterValues: { GENRE: '"drama"' } }, { userId: 'someone-new' }];
    await putObject(folderOf(input).inputKey('users.json'), jsonLines(records));

    // Act
    const job = await runToCompletion(fixture, input);

    // Assess
    expect(job.status).toBe('ACTIVE');
    const lines = await readOutput(folderOf(input).outputKey('users.json.out'));
    expect(lines.map((line) => line.input)).toEqual(records);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['input', 'output', 'error']);
      expect(line.error).toBeNull();
      expect(Object.keys(line.output!)).toEqual(['recommendedItems', 'scores']);
      expect(line.output!.recommendedItems).toHaveLength(25);
      expect(new Set(line.output!.recommendedItems).size).toBe(25);
      for (const item of line.output!.recommendedItems) expect(catalogItems.has(item)).toBe(true);
      expect(line.output!.scores).toHaveLength(25);
      expectWellFormedScores(line.output!.scores);
    }
    // Different users get different recommendations.
    expect(lines[0]!.output!.recommendedItems).not.toEqual(lines[1]!.output!.recommendedItems);
  });

  test('returns numResults items, capped by the catalog size', async () => {
    const small = request({ numResults: 3 });
    await putObject(folderOf(small).inputKey('u.json'), jsonLines([{ userId: 'user-001' }]));
    const large = request({ numResults: 5000 });
    await putObject(folderOf(large).inputKey('u.json'), jsonLines([{ userId: 'user-001' }]));

    await runToCompletion(fixture, small);
    await runToCompletion(fixture, large);

    const [smallLine] = await readOutput(folderOf(small).outputKey('u.json.out'));
    const [largeLine] = await readOutput(folderOf(large).outputKey('u.json.out'));
    expect(smallLine!.output!.recommendedItems).toHaveLength(3);
    expect(largeLine!.output!.recommendedItems).toHaveLength(DEFAULT_CATALOG.itemIds.length);
    expectWellFormedScores(largeLine!.output!.scores);
    // The top of a longer list is the shorter list.
    expect(largeLine!.output!.recommendedItems.slice(0, 3)).toEqual(smallLine!.output!.recommendedItems);
  });

  test('gives the same recommendations for the same input in two jobs', async () => {
    const records = [{ userId: 'user-005' }, { userId: 'user-006' }];
    const first = request();
    const second = request();
    await putObject(folderOf(first).inputKey('users.json'), jsonLines(records));
    await putObject(folderOf(second).inputKey('users.json'), jsonLines(records));

    await runToCompletion(fixture, first);
    await runToCompletion(fixture, second);

    expect(await readOutput(folderOf(second).outputKey('users.json.out'))).toEqual(await readOutput(folderOf(first).outputKey('users.json.out')));
  });

  test("removes the filter's excluded items", async () => {
    const records = Array.from({ length: 5 }, (_, i) => ({ userId: `user-00${i + 1}` }));
    const unfiltered = request({ numResults: 50 });
    const filtered = request({ numResults: 50, filterArn: FILTER.arn });
    await putObject(folderOf(unfiltered).inputKey('users.json'), jsonLines(records));
    await putObject(folderOf(filtered).inputKey('users.json'), jsonLines(records));

    await runToCompletion(fixture, unfiltered);
    await runToCompletion(fixture, filtered);

    const before = await readOutput(folderOf(unfiltered).outputKey('users.json.out'));
    const after = await readOutput(folderOf(filtered).outputKey('users.json.out'));
    const excluded = new Set(FILTER.excludeItemIds);
    before.forEach((line, index) => {
      expect(line.output!.recommendedItems.some((item) => excluded.has(item))).toBe(true);
      const expected = line.output!.recommendedItems.filter((item) => !excluded.has(item));
      expect(after[index]!.output!.recommendedItems).toEqual(expected);
    });
  });

  test('writes an error line for each record the recipe cannot use, and skips blank lines', async () => {
    const input = request();
    const body = [
      JSON.stringify({ userId: 'user-001' }),
      '',
      JSON.stringify({ itemId: 'item-001' }),
      '   ',
      JSON.stringify({ userId: 42 }),
      JSON.stringify(['user-001']),
      JSON.stringify({ userId: 'user-002' }),
    ].join('\r\n');
    await putObject(folderOf(input).inputKey('mixed.json'), body);

    const job = await runToCompletion(fixture, input);

    expect(job.status).toBe('ACTIVE');
    const lines = await readOutput(folderOf(input).outputKey('mixed.json.out'));
    expect(lines.map((line) => line.error === null)).toEqual([true, false, false, false, true]);
    expect(lines[1]).toEqual({ input: { itemId: 'item-001' }, output: null, error: expect.stringContaining('userId') });
    expect(lines[2]).toEqual({ input: { userId: 42 }, output: null, error: expect.stringContaining('userId') });
    expect(lines[3]).toEqual({ input: ['user-001'], output: null, error: expect.stringContaining('JSON object') });
  });

  test('RELATED_ITEMS never recommends the input item', async () => {
    const input = request({ solutionVersionArn: RELATED_SV, numResults: 49 });
    const records = DEFAULT_CATALOG.itemIds.slice(0, 10).map((itemId) => ({ itemId }));
    await putObject(folderOf(input).inputKey('items.json'), jsonLines([...records, { userId: 'user-001' }]));

    await runToCompletion(fixture, input);

    const lines = await readOutput(folderOf(input).outputKey('items.json.out'));
    records.forEach((record, index) => {
      const output = lines[index]!.output!;
      expect(output.recommendedItems).toHaveLength(49);
      expect(output.recommendedItems).not.toContain(record.itemId);
      expectWellFormedScores(output.scores);
    });
    expect(lines[10]!.error).toContain('itemId');
  });

  test('PERSONALIZED_RANKING re-orders the given list, appending items it does not know', async () => {
    const itemList = ['item-010', 'item-020', 'unknown-b', 'item-030', 'item-040', 'unknown-a', 'item-050'];
    const input = request({ solutionVersionArn: RANKING_SV });
    const truncated = request({ solutionVersionArn: RANKING_SV, numResults: 2 });
    const records = [{ userId: 'user-001', itemList }, { userId: 'user-001' }, { userId: 'user-001', itemList: [] }];
    await putObject(folderOf(input).inputKey('rank.json'), jsonLines(records));
    await putObject(folderOf(truncated).inputKey('rank.json'), jsonLines(records.slice(0, 1)));

    await runToCompletion(fixture, input);
    await runToCompletion(fixture, truncated);

    const [ranked, noList, emptyList] = await readOutput(folderOf(input).outputKey('rank.json.out'));
    const items = ranked!.output!.recommendedItems;
    expect([...items].sort()).toEqual([...itemList].sort());
    expect(items.slice(-2)).toEqual(['unknown-b', 'unknown-a']);
    expect(items).not.toEqual(itemList);
    expectWellFormedScores(ranked!.output!.scores);
    expect(noList!.error).toContain('itemList');
    expect(emptyList!.error).toContain('itemList');

    const [short] = await readOutput(folderOf(truncated).outputKey('rank.json.out'));
    expect(short!.output!.recommendedItems).toEqual(items.slice(0, 2));
  });

  test('THEME_GENERATION adds a deterministic theme for RELATED_ITEMS solution versions', async () => {
    const themed = (): CreateBatchInferenceJobCommandInput =>
      request({
        solutionVersionArn: RELATED_SV,
        batchInferenceJobMode: 'THEME_GENERATION',
        themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'TITLE' } },
      });
    const first = themed();
    const second = themed();
    const records = [{ itemId: 'item-001' }, { itemId: 'item-002' }];
    await putObject(folderOf(first).inputKey('items.json'), jsonLines(records));
    await putObject(folderOf(second).inputKey('items.json'), jsonLines(records));

    const job = await runToCompletion(fixture, first);
    await runToCompletion(fixture, second);

    expect(job.status).toBe('ACTIVE');
    expect(job.batchInferenceJobMode).toBe('THEME_GENERATION');
    expect(job.themeGenerationConfig).toEqual({ fieldsForThemeGeneration: { itemName: 'TITLE' } });
    const lines = await readOutput(folderOf(first).outputKey('items.json.out'));
    for (const line of lines) {
      expect(Object.keys(line.output!)).toEqual(['recommendedItems', 'scores', 'theme']);
      expect(line.output!.theme).toMatch(/^\w+ \w+$/);
    }
    expect(await readOutput(folderOf(second).outputKey('items.json.out'))).toEqual(lines);
  });

  test('THEME_GENERATION fails the job for a solution version that is not RELATED_ITEMS', async () => {
    const input = request({
      batchInferenceJobMode: 'THEME_GENERATION',
      themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'TITLE' } },
    });
    await putObject(folderOf(input).inputKey('users.json'), jsonLines([{ userId: 'user-001' }]));

    const job = await runToCompletion(fixture, input);

    expect(job.status).toBe('CREATE FAILED');
    expect(job.failureReason).toContain('RELATED_ITEMS');
    expect(job.failureReason).toContain('USER_PERSONALIZATION');
  });

  test('treats the input path as a key prefix, and a trailing slash as a folder', async () => {
    const root = unique('prefix');
    await putObject(`${root}/in/a.json`, jsonLines([{ userId: 'user-001' }]));
    await putObject(`${root}/in/nested/b.json`, jsonLines([{ userId: 'user-002' }]));
    await putObject(`${root}/in_test/c.json`, jsonLines([{ userId: 'user-003' }, { userId: 'user-004' }]));
    await putObject(`${root}/in/`, ''); // a console-made folder marker

    const asPrefix = request({ jobInput: { s3DataSource: { path: `s3://${BUCKET}/${root}/in` } }, jobOutput: { s3DataDestination: { path: `s3://${BUCKET}/${root}/out-prefix` } } });
    const asFolder = request({ jobInput: { s3DataSource: { path: `s3://${BUCKET}/${root}/in/` } }, jobOutput: { s3DataDestination: { path: `s3://${BUCKET}/${root}/out-folder/` } } });

    expect((await runToCompletion(fixture, asPrefix)).status).toBe('ACTIVE');
    expect((await runToCompletion(fixture, asFolder)).status).toBe('ACTIVE');

    expect(await keysUnder(`${root}/out-prefix/`)).toEqual([`${root}/out-prefix/a.json.out`, `${root}/out-prefix/b.json.out`, `${root}/out-prefix/c.json.out`]);
    expect(await keysUnder(`${root}/out-folder/`)).toEqual([`${root}/out-folder/a.json.out`, `${root}/out-folder/b.json.out`]);
    expect(await readOutput(`${root}/out-prefix/c.json.out`)).toHaveLength(2);
  });

  test('writes an empty .out for an empty file when other files have records', async () => {
    const input = request();
    await putObject(folderOf(input).inputKey('empty.json'), '');
    await putObject(folderOf(input).inputKey('users.json'), jsonLines([{ userId: 'user-001' }]));

    expect((await runToCompletion(fixture, input)).status).toBe('ACTIVE');

    expect(await readText(folderOf(input).outputKey('empty.json.out'))).toBe('');
    expect(await readOutput(folderOf(input).outputKey('users.json.out'))).toHaveLength(1);
  });

  test('fails the job when two input files would write the same .out', async () => {
    const input = request();
    await putObject(folderOf(input).inputKey('a/users.json'), jsonLines([{ userId: 'user-001' }]));
    await putObject(folderOf(input).inputKey('b/users.json'), jsonLines([{ userId: 'user-002' }]));

    const job = await runToCompletion(fixture, input);

    expect(job.status).toBe('CREATE FAILED');
    expect(job.failureReason).toContain('users.json.out');
    expect(await keysUnder(folderOf(input).outputKey(''))).toEqual([]);
  });

  test.each([
    ['no object matches the input path', [] as Array<[string, string]>, /not found.*s3:\/\/.*\/input\//],
    ['every input file is empty', [['empty.json', ''], ['blank.json', '\n  \n']] as Array<[string, string]>, /empty/],
    ['a line is not JSON', [['ok.json', jsonLines([{ userId: 'u' }])], ['bad.json', '{"userId":"u1"}\n{"userId": oops}\n']] as Array<[string, string]>, /bad\.json is not JSON Lines: line 2/],
  ])('fails the job with a readable reason when %s', async (_what, files, reason) => {
    const input = request();
    for (const [name, body] of files) await putObject(folderOf(input).inputKey(name), body);

    const job = await runToCompletion(fixture, input);

    expect(job.status).toBe('CREATE FAILED');
    expect(job.failureReason).toMatch(reason);
    expect(job.lastUpdatedDateTime).toEqual(new Date(job.creationDateTime!.getTime() + JOB_MS));
    // A failed job writes nothing, not even the output of its good files.
    expect(await keysUnder(folderOf(input).outputKey(''))).toEqual([]);
  });

  test('fails the job when the input bucket cannot be read', async () => {
    const input = request({ jobInput: { s3DataSource: { path: 's3://no-such-bucket-for-personalize/in/' } } });
    const job = await runToCompletion(fixture, input);
    expect(job.status).toBe('CREATE FAILED');
    expect(job.failureReason).toContain('s3://no-such-bucket-for-personalize/in/');
    expect(job.failureReason).toContain('NoSuchBucket');
  });

  test('fails the job for an https:// path, which the stand-in cannot map to a bucket', async () => {
    const input = request({ jobInput: { s3DataSource: { path: `https://${BUCKET}.s3.amazonaws.com/in/` } } });
    const job = await runToCompletion(fixture, input);
    expect(job.status).toBe('CREATE FAILED');
    expect(job.failureReason).toContain('s3://');
  });
});

describe('ListBatchInferenceJobs', () => {
  let fixture: Fixture;
  const created: Array<{ arn: string; solutionVersionArn: string }> = [];
  beforeAll(async () => {
    fixture = await startFixture({ maxConcurrentJobs: 100 });
    const versions = [USER_SV, RELATED_SV, USER_SV, RANKING_SV, USER_SV];
    for (const [index, solutionVersionArn] of versions.entries()) {
      const { batchInferenceJobArn } = await fixture.client.send(new CreateBatchInferenceJobCommand(request({ solutionVersionArn })));
      created.push({ arn: batchInferenceJobArn!, solutionVersionArn });
      // Two jobs share a millisecond, as they do under a virtual clock.
      if (index !== 1) fixture.clock.advance(1000);
    }
  });

  test('returns summaries newest first', async () => {
    const { batchInferenceJobs, nextToken } = await fixture.client.send(new ListBatchInferenceJobsCommand({}));
    expect(nextToken).toBeUndefined();
    expect(batchInferenceJobs?.map((job) => job.batchInferenceJobArn)).toEqual(created.map((job) => job.arn).reverse());
    const newest = batchInferenceJobs![0]!;
    expect(Object.keys(newest).sort()).toEqual(
      ['batchInferenceJobArn', 'batchInferenceJobMode', 'creationDateTime', 'jobName', 'lastUpdatedDateTime', 'solutionVersionArn', 'status'].sort(),
    );
    expect(newest).toMatchObject({ solutionVersionArn: USER_SV, batchInferenceJobMode: 'BATCH_INFERENCE' });
  });

  test('filters by solution version', async () => {
    const { batchInferenceJobs } = await fixture.client.send(new ListBatchInferenceJobsCommand({ solutionVersionArn: USER_SV }));
    const expected = created.filter((job) => job.solutionVersionArn === USER_SV).map((job) => job.arn).reverse();
    expect(batchInferenceJobs?.map((job) => job.batchInferenceJobArn)).toEqual(expected);
  });

  test('pages with maxResults and nextToken, also through the SDK paginator', async () => {
    const first = await fixture.client.send(new ListBatchInferenceJobsCommand({ maxResults: 2 }));
    expect(first.batchInferenceJobs).toHaveLength(2);
    expect(first.nextToken).toEqual(expect.any(String));

    const arns: string[] = [];
    for await (const page of paginateListBatchInferenceJobs({ client: fixture.client, pageSize: 2 }, {})) {
      expect(page.batchInferenceJobs!.length).toBeLessThanOrEqual(2);
      arns.push(...page.batchInferenceJobs!.map((job) => job.batchInferenceJobArn!));
    }
    expect(arns).toEqual(created.map((job) => job.arn).reverse());
  });

  test('keeps pages stable when a job is created between pages', async () => {
    const own = await startFixture();
    for (let i = 0; i < 3; i += 1) {
      await own.client.send(new CreateBatchInferenceJobCommand(request()));
      own.clock.advance(1);
    }
    const first = await own.client.send(new ListBatchInferenceJobsCommand({ maxResults: 2 }));
    await own.client.send(new CreateBatchInferenceJobCommand(request()));
    const second = await own.client.send(new ListBatchInferenceJobsCommand({ maxResults: 2, nextToken: first.nextToken }));
    const all = [...first.batchInferenceJobs!, ...second.batchInferenceJobs!].map((job) => job.jobName);
    expect(new Set(all).size).toBe(3);
    expect(second.nextToken).toBeUndefined();
  });

  test('reports status and failureReason as Describe does', async () => {
    const own = await startFixture();
    await own.client.send(new CreateBatchInferenceJobCommand(request()));
    own.clock.advance(JOB_MS);
    const { batchInferenceJobs } = await own.client.send(new ListBatchInferenceJobsCommand({}));
    expect(batchInferenceJobs?.[0]).toMatchObject({ status: 'CREATE FAILED', failureReason: expect.stringContaining('not found') });
  });

  test.each([0, 101, 2.5])('rejects maxResults %p with InvalidInputException', async (maxResults) => {
    const error = await sendExpectingError(fixture.client.send(new ListBatchInferenceJobsCommand({ maxResults })));
    expect(error.name).toBe('InvalidInputException');
    expect(error.message).toContain("at 'maxResults'");
  });

  test('rejects a malformed solutionVersionArn with InvalidInputException', async () => {
    const error = await sendExpectingError(fixture.client.send(new ListBatchInferenceJobsCommand({ solutionVersionArn: 'user-personalization' })));
    expect(error.name).toBe('InvalidInputException');
    expect(error.message).toContain("at 'solutionVersionArn'");
  });

  test('rejects a token it did not issue, or one replayed with another filter, with InvalidNextTokenException', async () => {
    const { nextToken } = await fixture.client.send(new ListBatchInferenceJobsCommand({ maxResults: 1 }));
    const forged = Buffer.from(JSON.stringify({ afterSequence: 1 })).toString('base64');
    for (const input of [{ nextToken: 'garbage' }, { nextToken: forged }, { nextToken, solutionVersionArn: USER_SV }]) {
      const error = await sendExpectingError(fixture.client.send(new ListBatchInferenceJobsCommand(input)));
      expect(error.name).toBe('InvalidNextTokenException');
    }
    const other = await startFixture();
    const fromElsewhere = await sendExpectingError(other.client.send(new ListBatchInferenceJobsCommand({ nextToken })));
    expect(fromElsewhere.name).toBe('InvalidNextTokenException');
  });
});
