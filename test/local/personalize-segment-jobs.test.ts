import {
  CreateBatchInferenceJobCommand,
  CreateBatchSegmentJobCommand,
  DescribeBatchSegmentJobCommand,
  ListBatchSegmentJobsCommand,
  PersonalizeClient,
  paginateListBatchSegmentJobs,
  type BatchSegmentJob,
  type CreateBatchSegmentJobCommandInput,
} from '@aws-sdk/client-personalize';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { VirtualClock } from '../../src/local/clock';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';
import { localS3Client, startLocalS3, type LocalS3 } from '../../src/local/local-s3';
import { DEFAULT_CATALOG, loadCatalog, startPersonalizeStandIn, type PersonalizeStandIn, type StandInRecipe } from '../../src/local/personalize';

/*
 * The stand-in's batch segment operations (CreateBatchSegmentJob, DescribeBatchSegmentJob,
 * ListBatchSegmentJobs) through the real PersonalizeClient, as personalize-stand-in.test.ts does for
 * batch inference jobs.
 */

const BUCKET = 'personalize-segment-test';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/PersonalizeBatchRole';
const PENDING_MS = 2000;
const IN_PROGRESS_MS = 3000;
const JOB_MS = PENDING_MS + IN_PROGRESS_MS;

function solutionVersionFor(recipe: StandInRecipe): string {
  const version = DEFAULT_CATALOG.solutionVersions.find((candidate) => candidate.recipe === recipe);
  if (!version) throw new Error(`default catalog has no ${recipe} solution version`);
  return version.arn;
}
const ITEM_AFFINITY_SV = solutionVersionFor('ITEM_AFFINITY');
const ATTRIBUTE_AFFINITY_SV = solutionVersionFor('ITEM_ATTRIBUTE_AFFINITY');
const USER_SV = solutionVersionFor('USER_PERSONALIZATION');
const CATALOG_USERS = new Set(DEFAULT_CATALOG.userIds);

let s3: LocalS3;
let s3Client: S3Client;
const standIns: PersonalizeStandIn[] = [];
const clients: PersonalizeClient[] = [];

async function startFixture(options: { maxConcurrentJobs?: number } = {}) {
  const clock = new VirtualClock();
  const standIn = await startPersonalizeStandIn({ s3Endpoint: s3.endpoint, clock, ...options });
  const client = new PersonalizeClient({ endpoint: standIn.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  standIns.push(standIn);
  clients.push(client);
  return { clock, standIn, client };
}
type Fixture = Awaited<ReturnType<typeof startFixture>>;

let counter = 0;
function request(overrides: Partial<CreateBatchSegmentJobCommandInput> = {}): CreateBatchSegmentJobCommandInput {
  counter += 1;
  const folder = `segment-${counter}`;
  return {
    jobName: folder,
    solutionVersionArn: ITEM_AFFINITY_SV,
    roleArn: ROLE_ARN,
    jobInput: { s3DataSource: { path: `s3://${BUCKET}/${folder}/input/` } },
    jobOutput: { s3DataDestination: { path: `s3://${BUCKET}/${folder}/output/` } },
    ...overrides,
  };
}

async function putLines(input: CreateBatchSegmentJobCommandInput, records: readonly unknown[]): Promise<void> {
  const body = records.map((record) => JSON.stringify(record)).join('\n') + '\n';
  const key = `${input.jobInput!.s3DataSource!.path!.replace(`s3://${BUCKET}/`, '')}items.json`;
  await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

async function readOutput(input: CreateBatchSegmentJobCommandInput): Promise<Array<{ input: unknown; output: { recommendedUsers: string[] } | null; error: string | null }>> {
  const key = `${input.jobOutput!.s3DataDestination!.path!.replace(`s3://${BUCKET}/`, '')}items.json.out`;
  const response = await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  const text = (await response.Body!.transformToString('utf8')).trimEnd();
  return text.split('\n').map((line) => JSON.parse(line) as never);
}

async function describeJob(fixture: Fixture, arn: string): Promise<BatchSegmentJob> {
  return (await fixture.client.send(new DescribeBatchSegmentJobCommand({ batchSegmentJobArn: arn }))).batchSegmentJob!;
}

async function runToCompletion(fixture: Fixture, input: CreateBatchSegmentJobCommandInput): Promise<BatchSegmentJob> {
  const { batchSegmentJobArn } = await fixture.client.send(new CreateBatchSegmentJobCommand(input));
  fixture.clock.advance(JOB_MS);
  return describeJob(fixture, batchSegmentJobArn!);
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof Error)) throw new Error('expected the request to fail, but it succeeded');
  return error;
}

let fixture: Fixture;

beforeAll(async () => {
  s3 = await startLocalS3();
  s3Client = localS3Client(s3.endpoint);
  await s3Client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  fixture = await startFixture({ maxConcurrentJobs: 100 });
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  for (const standIn of standIns) await standIn.close();
  s3Client.destroy();
  await s3.close();
});

describe('CreateBatchSegmentJob validation', () => {
  test('reports every missing required member and bad value in one InvalidInputException', async () => {
    const error = await failure(
      fixture.client.send(new CreateBatchSegmentJobCommand({ jobName: 'bad name', numResults: 0 } as CreateBatchSegmentJobCommandInput)),
    );
    expect(error.name).toBe('InvalidInputException');
    expect(error.message).toMatch(/^6 validation errors detected: /);
    for (const path of ['jobName', 'solutionVersionArn', 'numResults', 'roleArn', 'jobInput', 'jobOutput']) expect(error.message).toContain(`at '${path}'`);
  });

  test('accepts at most 5 million users per segment (numResults)', async () => {
    const error = await failure(fixture.client.send(new CreateBatchSegmentJobCommand(request({ numResults: 5_000_001 }))));
    expect(error.message).toBe("1 validation error detected: Value '5000001' at 'numResults' failed to satisfy constraint: Member must have value less than or equal to 5000000");
    await expect(fixture.client.send(new CreateBatchSegmentJobCommand(request({ numResults: 5_000_000 })))).resolves.toHaveProperty('batchSegmentJobArn');
  });

  test('rejects more than 200 tags with TooManyTagsException', async () => {
    const tags = Array.from({ length: 201 }, (_, index) => ({ tagKey: `k${index}`, tagValue: 'v' }));
    const error = await failure(fixture.client.send(new CreateBatchSegmentJobCommand(request({ tags }))));
    expect(error.name).toBe('TooManyTagsException');
    expect(error.message).toContain('a batch segment job can have at most 200 tags');
  });

  test('ignores members the model does not have (a batch inference mode): Describe does not echo them', async () => {
    const input = { ...request(), batchInferenceJobMode: 'THEME_GENERATION' } as CreateBatchSegmentJobCommandInput;
    const { batchSegmentJobArn } = await fixture.client.send(new CreateBatchSegmentJobCommand(input));
    expect(Object.keys(await describeJob(fixture, batchSegmentJobArn!))).not.toContain('batchInferenceJobMode');
  });
});

describe('CreateBatchSegmentJob resource checks and quota', () => {
  test('answers with a batch-segment-job ARN', async () => {
    const input = request();
    const { batchSegmentJobArn } = await fixture.client.send(new CreateBatchSegmentJobCommand(input));
    expect(batchSegmentJobArn).toBe(`arn:aws:personalize:us-east-1:123456789012:batch-segment-job/${input.jobName}`);
  });

  test('rejects an unknown solution version or filter with ResourceNotFoundException', async () => {
    const unknownVersion = await failure(
      fixture.client.send(new CreateBatchSegmentJobCommand(request({ solutionVersionArn: 'arn:aws:personalize:us-east-1:123456789012:solution/none/1' }))),
    );
    expect(unknownVersion.name).toBe('ResourceNotFoundException');
    const unknownFilter = await failure(
      fixture.client.send(new CreateBatchSegmentJobCommand(request({ filterArn: 'arn:aws:personalize:us-east-1:123456789012:filter/none' }))),
    );
    expect(unknownFilter.name).toBe('ResourceNotFoundException');
  });

  test('refuses a reused segment job name, but a batch inference job may carry the same name', async () => {
    const input = request();
    await fixture.client.send(new CreateBatchSegmentJobCommand(input));
    const reused = await failure(fixture.client.send(new CreateBatchSegmentJobCommand(request({ jobName: input.jobName }))));
    expect(reused.name).toBe('ResourceAlreadyExistsException');
    expect(reused.message).toContain(`A batch segment job named ${input.jobName} already exists`);
    const inference = await fixture.client.send(new CreateBatchInferenceJobCommand({ ...request({ jobName: input.jobName }), solutionVersionArn: USER_SV }));
    expect(inference.batchInferenceJobArn).toContain(':batch-inference-job/');
  });

  test('counts its own quota of five in flight, apart from batch inference jobs', async () => {
    const own = await startFixture();
    for (let i = 0; i < 5; i += 1) await own.client.send(new CreateBatchInferenceJobCommand({ ...request(), solutionVersionArn: USER_SV }));
    for (let i = 0; i < 5; i += 1) await own.client.send(new CreateBatchSegmentJobCommand(request()));
    const refused = await failure(own.client.send(new CreateBatchSegmentJobCommand(request())));
    expect(refused.name).toBe('LimitExceededException');
    expect(refused.message).toContain('limit of 5 batch segment jobs in CREATE PENDING or CREATE IN_PROGRESS');
    const inferenceRefused = await failure(own.client.send(new CreateBatchInferenceJobCommand({ ...request(), solutionVersionArn: USER_SV })));
    expect(inferenceRefused.message).toContain('limit of 5 batch inference jobs');

    own.clock.advance(JOB_MS);
    const accepted = await own.client.send(new CreateBatchSegmentJobCommand(request()));
    expect(accepted.batchSegmentJobArn).toBeDefined();
    expect(own.standIn.jobs().filter((job) => job.jobType === 'BATCH_SEGMENT')).toHaveLength(6);
  });
});

describe('batch segment job lifecycle and output', () => {
  test('moves through CREATE PENDING and CREATE IN_PROGRESS to ACTIVE, and Describe echoes the request', async () => {
    const input = request({ numResults: 3, tags: [{ tagKey: 'team', tagValue: 'crm' }] });
    await putLines(input, [{ itemId: 'item-001' }]);
    const { batchSegmentJobArn } = await fixture.client.send(new CreateBatchSegmentJobCommand(input));
    expect((await describeJob(fixture, batchSegmentJobArn!)).status).toBe('CREATE PENDING');
    fixture.clock.advance(PENDING_MS);
    expect((await describeJob(fixture, batchSegmentJobArn!)).status).toBe('CREATE IN_PROGRESS');
    fixture.clock.advance(IN_PROGRESS_MS);
    const job = await describeJob(fixture, batchSegmentJobArn!);
    expect(job).toEqual({
      jobName: input.jobName,
      batchSegmentJobArn,
      solutionVersionArn: ITEM_AFFINITY_SV,
      numResults: 3,
      jobInput: input.jobInput,
      jobOutput: input.jobOutput,
      roleArn: ROLE_ARN,
      status: 'ACTIVE',
      creationDateTime: expect.any(Date),
      lastUpdatedDateTime: expect.any(Date),
    });
  });

  test('Item-Affinity: one line per item with numResults users the solution version knows, the same for the same item', async () => {
    const input = request({ numResults: 5 });
    const records = [{ itemId: 'item-001' }, { itemId: 'item-002' }, { itemId: 'item-001' }];
    await putLines(input, records);
    expect((await runToCompletion(fixture, input)).status).toBe('ACTIVE');
    const lines = await readOutput(input);
    expect(lines.map((line) => line.input)).toEqual(records);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['input', 'output', 'error']);
      expect(line.error).toBeNull();
      expect(Object.keys(line.output!)).toEqual(['recommendedUsers']);
      expect(line.output!.recommendedUsers).toHaveLength(5);
      expect(new Set(line.output!.recommendedUsers).size).toBe(5);
      expect(line.output!.recommendedUsers.every((user) => CATALOG_USERS.has(user))).toBe(true);
    }
    expect(lines[0]!.output).toEqual(lines[2]!.output);
    expect(lines[0]!.output).not.toEqual(lines[1]!.output);
  });

  test('Item-Attribute-Affinity: segments users by an attribute query of = and AND; another query shape is an error line', async () => {
    const input = request({ solutionVersionArn: ATTRIBUTE_AFFINITY_SV });
    const records = [
      { itemAttributes: 'ITEMS.genres = "Comedy" AND ITEMS.genres = "Action"' },
      { itemAttributes: 'ITEMS.genres = "Action" AND ITEMS.genres = "Comedy"' },
      { itemAttributes: 'ITEMS.price > 10' },
      { itemId: 'item-001' },
    ];
    await putLines(input, records);
    expect((await runToCompletion(fixture, input)).status).toBe('ACTIVE');
    const lines = await readOutput(input);
    // Twenty users in the catalog: a segment of the default size holds all of them, ranked.
    expect(lines[0]!.output!.recommendedUsers).toHaveLength(DEFAULT_CATALOG.userIds!.length);
    expect(lines[1]!.output).toEqual(lines[0]!.output);
    expect(lines[2]).toMatchObject({ output: null, error: expect.stringContaining('itemAttributes accepts only conditions ITEMS.<field> = "<value>" joined by AND') });
    expect(lines[3]).toMatchObject({ output: null, error: expect.stringContaining('need an "itemAttributes" query string') });
  });

  test('writes an error line for a record Item-Affinity cannot use (a userId line)', async () => {
    const input = request();
    await putLines(input, [{ userId: 'user-001' }]);
    expect((await runToCompletion(fixture, input)).status).toBe('ACTIVE');
    expect(await readOutput(input)).toEqual([
      { input: { userId: 'user-001' }, output: null, error: 'Invalid input record: ITEM_AFFINITY solution versions need an "itemId" string of 1 to 256 characters' },
    ]);
  });

  test('fails a segment job on a solution version that is not user segmentation, and an inference job on one that is', async () => {
    const segment = request({ solutionVersionArn: USER_SV });
    await putLines(segment, [{ itemId: 'item-001' }]);
    const failed = await runToCompletion(fixture, segment);
    expect(failed).toMatchObject({ status: 'CREATE FAILED', failureReason: expect.stringContaining('uses aws-user-personalization') });
    expect(failed.failureReason).toContain('A batch segment job requires a solution version trained with a USER_SEGMENTATION recipe');

    const inference = { ...request(), solutionVersionArn: ITEM_AFFINITY_SV };
    const { batchInferenceJobArn } = await fixture.client.send(new CreateBatchInferenceJobCommand(inference));
    fixture.clock.advance(JOB_MS);
    await fixture.standIn.settle();
    const job = fixture.standIn.jobs().find((candidate) => candidate.jobArn === batchInferenceJobArn);
    expect(job?.status).toBe('CREATE FAILED');
  });

  test('Describe rejects an unknown ARN with ResourceNotFoundException, and a batch inference job ARN is not a segment job', async () => {
    const unknown = await failure(describeJob(fixture, 'arn:aws:personalize:us-east-1:123456789012:batch-segment-job/none'));
    expect(unknown.name).toBe('ResourceNotFoundException');
    expect(unknown.message).toContain('Could not find batch segment job');
    const { batchInferenceJobArn } = await fixture.client.send(new CreateBatchInferenceJobCommand({ ...request(), solutionVersionArn: USER_SV }));
    expect((await failure(describeJob(fixture, batchInferenceJobArn!))).name).toBe('ResourceNotFoundException');
  });
});

describe('ListBatchSegmentJobs', () => {
  test('lists only segment jobs, newest first, filters by solution version and pages with the SDK paginator', async () => {
    const own = await startFixture({ maxConcurrentJobs: 100 });
    await own.client.send(new CreateBatchInferenceJobCommand({ ...request(), solutionVersionArn: USER_SV }));
    const names: string[] = [];
    for (const solutionVersionArn of [ITEM_AFFINITY_SV, ATTRIBUTE_AFFINITY_SV, ITEM_AFFINITY_SV]) {
      const input = request({ solutionVersionArn });
      names.push(input.jobName!);
      await own.client.send(new CreateBatchSegmentJobCommand(input));
      own.clock.advance(1);
    }
    const all = await own.client.send(new ListBatchSegmentJobsCommand({}));
    expect(all.batchSegmentJobs?.map((job) => job.jobName)).toEqual([...names].reverse());
    expect(all.batchSegmentJobs?.[0]).toEqual({
      batchSegmentJobArn: expect.stringContaining(':batch-segment-job/'),
      jobName: names[2],
      status: 'CREATE PENDING',
      creationDateTime: expect.any(Date),
      lastUpdatedDateTime: expect.any(Date),
      solutionVersionArn: ITEM_AFFINITY_SV,
    });
    const filtered = await own.client.send(new ListBatchSegmentJobsCommand({ solutionVersionArn: ATTRIBUTE_AFFINITY_SV }));
    expect(filtered.batchSegmentJobs?.map((job) => job.jobName)).toEqual([names[1]]);

    const paged: string[] = [];
    for await (const page of paginateListBatchSegmentJobs({ client: own.client, pageSize: 2 }, {})) {
      paged.push(...(page.batchSegmentJobs ?? []).map((job) => job.jobName!));
    }
    expect(paged).toEqual([...names].reverse());
    const badToken = await failure(own.client.send(new ListBatchSegmentJobsCommand({ nextToken: 'not-a-token' })));
    expect(badToken.name).toBe('InvalidNextTokenException');
  });
});

describe('catalog', () => {
  test('requires users when it has a user segmentation solution version', () => {
    const { userIds: _users, ...withoutUsers } = DEFAULT_CATALOG;
    expect(() => loadCatalog(withoutUsers)).toThrow(/userIds: must list at least one user: solutionVersions\[\d+\] is a ITEM_AFFINITY \(user segmentation\) version/);
  });
});
