import { CreateBatchInferenceJobCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { VirtualClock } from '../../src/local/clock';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';
import { localS3Client, startLocalS3, type LocalS3 } from '../../src/local/local-s3';
import { DEFAULT_CATALOG, startPersonalizeStandIn, type PersonalizeStandIn } from '../../src/local/personalize';

const BUCKET = 'personalize-sweep-test';
const SWEEP_MS = 60_000;

let s3: LocalS3;
let s3Client: S3Client;
let clock: VirtualClock;
let standIn: PersonalizeStandIn;
let client: PersonalizeClient;


/** Lets pending I/O (the sweep's S3 calls) run, without waiting on wall-clock time. */
async function untilJobStatus(status: string): Promise<void> {
  for (let turn = 0; turn < 10_000; turn += 1) {
    if (standIn.jobs()[0]?.status === status) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`job never reached ${status}; last seen ${standIn.jobs()[0]?.status}`);
}

beforeAll(async () => {
  s3 = await startLocalS3();
  s3Client = localS3Client(s3.endpoint);
  await s3Client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const body = `${JSON.stringify({ userId: 'user-001' })}\n`;
  await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'in/users.json', Body: body, ContentLength: Buffer.byteLength(body) }));
  // Only the sweep's interval is faked; sockets and s3rver keep their real timers.
  jest.useFakeTimers({ doNotFake: ['Date', 'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout'] });
  clock = new VirtualClock();
  standIn = await startPersonalizeStandIn({ s3Endpoint: s3.endpoint, clock, sweepIntervalMs: SWEEP_MS });
  client = new PersonalizeClient({ endpoint: standIn.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
});

afterAll(async () => {
  client.destroy();
  await standIn.close();
  jest.useRealTimers();
  s3Client.destroy();
  await s3.close();
});

test('the sweep timer finalizes due jobs with no request observing them', async () => {
  // Prepare
  await client.send(
    new CreateBatchInferenceJobCommand({
      jobName: 'swept',
      solutionVersionArn: DEFAULT_CATALOG.solutionVersions[0]!.arn,
      roleArn: 'arn:aws:iam::123456789012:role/PersonalizeBatchInferenceRole',
      jobInput: { s3DataSource: { path: `s3://${BUCKET}/in/` } },
      jobOutput: { s3DataDestination: { path: `s3://${BUCKET}/out/` } },
    }),
  );
  clock.advance(5000);
  expect(standIn.jobs()[0]?.status).toBe('CREATE IN_PROGRESS');

  // Act
  jest.advanceTimersByTime(SWEEP_MS);

  // Assess
  await untilJobStatus('ACTIVE');
  const head = await s3Client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'out/users.json.out' }));
  expect(head.ContentLength).toBeGreaterThan(0);
});
