import {
  CreateBatchInferenceJobCommand,
  DescribeBatchInferenceJobCommand,
  PersonalizeClient,
  type BatchInferenceJob,
  type CreateBatchInferenceJobCommandInput,
} from '@aws-sdk/client-personalize';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { VirtualClock } from '../../src/local/clock';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';
import { localS3Client, startLocalS3, type LocalS3 } from '../../src/local/local-s3';
import { DEFAULT_BATCH_INPUT_LIMITS, DEFAULT_CATALOG, startPersonalizeStandIn, type PersonalizeStandIn, type PersonalizeStandInOptions } from '../../src/local/personalize';
import { indexCatalog } from '../../src/local/personalize/catalog';
import { parseJsonLines } from '../../src/local/personalize/input-format';
import { runBatchInferenceJob } from '../../src/local/personalize/job-runner';
import { readLines } from '../../src/local/personalize/line-reader';
import { formatOutputFile, toOutputLine } from '../../src/local/personalize/output-format';
import { createRecommender } from '../../src/local/personalize/recommender';
import type { CreateBatchInferenceJobRequest, StandInRecipe } from '../../src/local/personalize/types';

const BUCKET = 'personalize-streaming-test';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/PersonalizeBatchInferenceRole';
const JOB_MS = 5000;
const svOf = (recipe: StandInRecipe) => DEFAULT_CATALOG.solutionVersions.find((version) => version.recipe === recipe)!.arn;
const USER_SV = svOf('USER_PERSONALIZATION');
const RELATED_SV = svOf('RELATED_ITEMS');

let s3: LocalS3;
let s3Client: S3Client;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  s3 = await startLocalS3();
  s3Client = localS3Client(s3.endpoint);
  await s3Client.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  s3Client.destroy();
  await s3.close();
});

let counter = 0;
function folder(): string {
  counter += 1;
  return `job-${counter}`;
}

async function putObject(key: string, body: string | Buffer): Promise<void> {
  await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentLength: Buffer.byteLength(body) }));
}

async function readText(key: string): Promise<string> {
  const response = await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return (await response.Body?.transformToString('utf8')) ?? '';
}

async function keysUnder(prefix: string): Promise<string[]> {
  const response = await s3Client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (response.Contents ?? []).map((object) => object.Key!).sort();
}

function jsonLines(records: readonly unknown[]): string {
  return records.map((record) => JSON.stringify(record)).join('\n') + '\n';
}

function users(count: number): Array<{ userId: string }> {
  return Array.from({ length: count }, (_, i) => ({ userId: `user-${i}` }));
}

/** What the whole-string implementation wrote for `text`: parse all, score all, join all. */
function wholeFileOutput(text: string, setup: Partial<Parameters<typeof createRecommender>[0]> = {}): string {
  const parsed = parseJsonLines(text);
  if (!parsed.ok) throw new Error('fixture is not JSON Lines');
  const recommend = createRecommender({ solutionVersionArn: USER_SV, recipe: 'USER_PERSONALIZATION', itemIds: DEFAULT_CATALOG.itemIds, ...setup });
  return formatOutputFile(parsed.records.map((record) => toOutputLine(record.value, recommend(record.value))));
}

async function startStandIn(options: Partial<PersonalizeStandInOptions> = {}): Promise<{ clock: VirtualClock; client: PersonalizeClient; standIn: PersonalizeStandIn }> {
  const clock = new VirtualClock();
  const standIn = await startPersonalizeStandIn({ s3Endpoint: s3.endpoint, clock, maxConcurrentJobs: 100, ...options });
  const client = new PersonalizeClient({ endpoint: standIn.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  cleanups.push(async () => {
    client.destroy();
    await standIn.close();
  });
  return { clock, client, standIn };
}

function jobRequest(root: string, overrides: Partial<CreateBatchInferenceJobCommandInput> = {}): CreateBatchInferenceJobCommandInput {
  return {
    jobName: root,
    solutionVersionArn: USER_SV,
    roleArn: ROLE_ARN,
    jobInput: { s3DataSource: { path: `s3://${BUCKET}/${root}/input/` } },
    jobOutput: { s3DataDestination: { path: `s3://${BUCKET}/${root}/output/` } },
    ...overrides,
  };
}

async function runJob(fixture: { clock: VirtualClock; client: PersonalizeClient }, input: CreateBatchInferenceJobCommandInput): Promise<BatchInferenceJob> {
  const { batchInferenceJobArn } = await fixture.client.send(new CreateBatchInferenceJobCommand(input));
  fixture.clock.advance(JOB_MS);
  const { batchInferenceJob } = await fixture.client.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn }));
  return batchInferenceJob!;
}

describe('readLines', () => {
  test('splits like text.split("\\n") however the bytes are chunked, multi-byte characters included', async () => {
    // Prepare
    const text = '\uFEFF{"userId":"é"}\r\n\n  {"userId":"日本"}\r{"x":1}\n😀 last';
    const bytes = Buffer.from(text, 'utf8');
    for (const size of [1, 2, 3, 5, 7, bytes.length]) {
      const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

      // Act
      const lines: string[] = [];
      for await (const line of readLines(chunks)) lines.push(line);

      // Assess
      expect(lines).toEqual(text.split('\n'));
    }
  });

  test('yields a line as soon as its newline arrives, before the source ends', async () => {
    // Prepare: a source that never ends after its first chunk.
    async function* endless(): AsyncGenerator<Buffer> {
      yield Buffer.from('{"userId":"first"}\n{"userId":"sec');
      await new Promise(() => undefined);
    }

    // Act
    const first = await readLines(endless()).next();

    // Assess
    expect(first).toEqual({ done: false, value: '{"userId":"first"}' });
  });
});

describe('streamed batch output', () => {
  test('writes byte for byte what the whole-file writer wrote, for awkward small inputs', async () => {
    // Prepare
    const fixture = await startStandIn();
    const root = folder();
    const text = [
      '\uFEFF{"userId":"user-001"}',
      '',
      '{"itemId":"item-001"}',
      '   ',
      '{"userId":"ünïcödé 日本 😀","filterValues":{"G":"\\"x\\""}}',
      '["user-001"]',
      '{"userId":"user-002"}',
    ].join('\r\n');
    await putObject(`${root}/input/mixed.json`, text);
    await putObject(`${root}/input/users.json`, jsonLines(users(30)));
    await putObject(`${root}/input/no-final-newline.json`, '{"userId":"a"}\n{"userId":"b"}');
    await putObject(`${root}/input/empty.json`, '');

    // Act
    const job = await runJob(fixture, jobRequest(root, { numResults: 7 }));

    // Assess
    expect(job.status).toBe('ACTIVE');
    expect(await readText(`${root}/output/mixed.json.out`)).toBe(wholeFileOutput(text, { numResults: 7 }));
    expect(await readText(`${root}/output/users.json.out`)).toBe(wholeFileOutput(jsonLines(users(30)), { numResults: 7 }));
    expect(await readText(`${root}/output/no-final-newline.json.out`)).toBe(wholeFileOutput('{"userId":"a"}\n{"userId":"b"}', { numResults: 7 }));
    expect(await readText(`${root}/output/empty.json.out`)).toBe('');
  });

  test('writes an output larger than the part size in several parts, none much larger than a part', async () => {
    // Prepare: the runner with a real S3 client that records each part it sends.
    const root = folder();
    const text = jsonLines(users(200));
    await putObject(`${root}/input/users.json`, text);
    const partSizes: number[] = [];
    const client = localS3Client(s3.endpoint);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UploadPartCommand') partSizes.push((args.input as { ContentLength: number }).ContentLength);
        return next(args);
      },
      { step: 'initialize' },
    );
    const request = jobRequest(root) as CreateBatchInferenceJobRequest;
    const partSize = 4096;

    // Act
    const outcome = await runBatchInferenceJob({ request, recipe: 'USER_PERSONALIZATION' }, client, indexCatalog(DEFAULT_CATALOG), { outputPartBytes: partSize });
    client.destroy();

    // Assess
    expect(outcome).toEqual({ status: 'ACTIVE' });
    const expected = wholeFileOutput(text);
    const longestLine = Math.max(...expected.split('\n').map((line) => Buffer.byteLength(line) + 1));
    expect(partSizes.length).toBeGreaterThan(Buffer.byteLength(expected) / (partSize + longestLine));
    expect(partSizes.slice(0, -1).every((size) => size >= partSize && size < partSize + longestLine)).toBe(true);
    expect(partSizes.reduce((sum, size) => sum + size, 0)).toBe(Buffer.byteLength(expected));
    expect(await readText(`${root}/output/users.json.out`)).toBe(expected);
  });

  test('a failed job publishes none of its outputs and leaves an existing object under an output key as it was', async () => {
    // Prepare: output from an earlier job under the same key, and input whose second file is broken.
    const fixture = await startStandIn({ outputPartBytes: 1024 });
    const root = folder();
    await putObject(`${root}/output/a.json.out`, 'earlier output\n');
    await putObject(`${root}/input/a.json`, jsonLines(users(40)));
    await putObject(`${root}/input/b.json`, '{"userId":"ok"}\n{oops\n');

    // Act
    const job = await runJob(fixture, jobRequest(root));

    // Assess
    expect(job.status).toBe('CREATE FAILED');
    expect(job.failureReason).toMatch(/b\.json is not JSON Lines: line 2/);
    expect(await keysUnder(`${root}/output/`)).toEqual([`${root}/output/a.json.out`]);
    expect(await readText(`${root}/output/a.json.out`)).toBe('earlier output\n');
  });
});

describe('an output that cannot be written', () => {
  test('ends the job CREATE FAILED naming the output object and the S3 error', async () => {
    // Prepare
    const fixture = await startStandIn();
    const root = folder();
    await putObject(`${root}/input/users.json`, jsonLines(users(3)));

    // Act
    const job = await runJob(fixture, jobRequest(root, { jobOutput: { s3DataDestination: { path: 's3://no-such-output-bucket/out/' } } }));

    // Assess
    expect(job.status).toBe('CREATE FAILED');
    expect(job.failureReason).toBe('Unable to write output to s3://no-such-output-bucket/out/users.json.out: NoSuchBucket: The specified bucket does not exist');
  });
});

describe('a job still being finalized', () => {
  test('reads CREATE IN_PROGRESS once the request has waited finalizeWaitMs, and ACTIVE once its output is written', async () => {
    // Prepare: no wait at all, and enough input that writing it takes many round trips to S3.
    const fixture = await startStandIn({ finalizeWaitMs: 0 });
    const root = folder();
    await putObject(`${root}/input/users.json`, jsonLines(users(2000)));

    // Act
    const observed = await runJob(fixture, jobRequest(root));
    await fixture.standIn.settle();
    const { batchInferenceJob: settled } = await fixture.client.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: observed.batchInferenceJobArn }));

    // Assess
    expect(observed.status).toBe('CREATE IN_PROGRESS');
    expect(settled!.status).toBe('ACTIVE');
    expect(settled!.lastUpdatedDateTime).toEqual(new Date(settled!.creationDateTime!.getTime() + JOB_MS));
    expect((await readText(`${root}/output/users.json.out`)).split('\n')).toHaveLength(2001);
  });
});

describe('AbortMultipartUpload on local S3', () => {
  test('discards the upload, keeps the object under its key, and then knows the upload no more', async () => {
    // Prepare
    const key = `${folder()}/kept.txt`;
    await putObject(key, 'kept');
    const { UploadId } = await s3Client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    await s3Client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: 'part', ContentLength: 4 }));

    // Act
    await s3Client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId }));
    const again = await s3Client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId })).then(
      () => undefined,
      (error: Error) => error,
    );

    // Assess
    expect(await readText(key)).toBe('kept');
    expect(again?.name).toBe('NoSuchUpload');
  });
});

describe('input limits', () => {
  test('are the documented ones by default', () => {
    expect(DEFAULT_BATCH_INPUT_LIMITS).toEqual({ maxInputFiles: 1000, maxInputBytes: 1024 ** 3, maxRecordsPerFile: 50_000_000, maxThemedRecordsPerFile: 100 });
  });

  const themed = { solutionVersionArn: RELATED_SV, batchInferenceJobMode: 'THEME_GENERATION' as const, themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'TITLE' } } };
  const items = (count: number) => Array.from({ length: count }, (_, i) => ({ itemId: `item-00${(i % 9) + 1}` }));

  test.each([
    ['input files', { maxInputFiles: 2 }, {}, [['a.json', 1], ['b.json', 1], ['c.json', 1]], /matches 3 files; a batch inference job accepts at most 2 input files/],
    ['input bytes', { maxInputBytes: 109 }, {}, [['a.json', 3], ['b.json', 2]], /is 110 bytes; a batch inference job accepts at most 109 bytes/],
    ['records per file', { maxRecordsPerFile: 3 }, {}, [['a.json', 3], ['b.json', 4]], /b\.json has more than 3 records \(line 4 is record 4\); a batch inference job accepts at most 3 records per input file/],
    ['records per file with themes', { maxThemedRecordsPerFile: 2, maxRecordsPerFile: 100 }, themed, [['a.json', 3]], /a\.json has more than 2 records.*with themes \(THEME_GENERATION\) accepts at most 2/],
  ] as const)('past the limit on %s, Create succeeds and the job ends CREATE FAILED with no output', async (_limit, limits, overrides, files, reason) => {
    // Prepare: 22-byte lines (newline included), so byte counts are easy to reason about.
    const fixture = await startStandIn({ limits });
    const root = folder();
    const themedJob = 'batchInferenceJobMode' in overrides;
    for (const [name, count] of files) await putObject(`${root}/input/${name}`, jsonLines(themedJob ? items(count) : users(count).map(({ userId }) => ({ userId: userId.padEnd(8, '-') }))));

    // Act
    const job = await runJob(fixture, jobRequest(root, overrides));

    // Assess
    expect(job.status).toBe('CREATE FAILED');
    expect(job.failureReason).toMatch(reason);
    expect(await keysUnder(`${root}/output/`)).toEqual([]);
  });

  test.each([
    ['input files', { maxInputFiles: 2 }, {}, [['a.json', 1], ['b.json', 1]]],
    ['input bytes', { maxInputBytes: 110 }, {}, [['a.json', 3], ['b.json', 2]]],
    ['records per file', { maxRecordsPerFile: 3 }, {}, [['a.json', 3], ['b.json', 3]]],
    ['records per file with themes', { maxThemedRecordsPerFile: 2, maxRecordsPerFile: 1 }, themed, [['a.json', 2]]],
  ] as const)('exactly at the limit on %s, the job ends ACTIVE', async (_limit, limits, overrides, files) => {
    const fixture = await startStandIn({ limits });
    const root = folder();
    const themedJob = 'batchInferenceJobMode' in overrides;
    for (const [name, count] of files) await putObject(`${root}/input/${name}`, jsonLines(themedJob ? items(count) : users(count).map(({ userId }) => ({ userId: userId.padEnd(8, '-') }))));

    const job = await runJob(fixture, jobRequest(root, overrides));

    expect(job.failureReason).toBeUndefined();
    expect(job.status).toBe('ACTIVE');
    expect(await keysUnder(`${root}/output/`)).toHaveLength(files.length);
  });

  test('refuses a limit that is not a positive integer at start-up', async () => {
    await expect(startPersonalizeStandIn({ s3Endpoint: s3.endpoint, limits: { maxRecordsPerFile: 0 } })).rejects.toThrow(/limits\.maxRecordsPerFile must be a positive integer/);
    await expect(startPersonalizeStandIn({ s3Endpoint: s3.endpoint, outputPartBytes: 1.5 })).rejects.toThrow(/outputPartBytes/);
    await expect(startPersonalizeStandIn({ s3Endpoint: s3.endpoint, finalizeWaitMs: -1 })).rejects.toThrow(/finalizeWaitMs/);
  });
});
