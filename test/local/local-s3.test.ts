import type { S3Client} from '@aws-sdk/client-s3';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3ClientConfig } from '@aws-sdk/client-s3';
import { DataBucketObjects } from '../../src/adapters/s3-objects';
import { localS3Client, rewriteForS3rver, startLocalS3, type LocalS3 } from '../../src/local/local-s3';
import { withLocalEnvironment } from '../support/local-run';

/**
 * Every printable character of S3's object key naming guide: the safe ones, those that "might
 * require special handling", and those to avoid, plus non-ASCII text.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html
 */
const SAFE = ['!', '-', '_', '.', '*', "'", '(', ')'];
const SPECIAL_HANDLING = ['&', '$', '@', '=', ';', ':', '+', ' ', ',', '?'];
const TO_AVOID = ['\\', '{', '^', '}', '%', '`', ']', '"', '>', '[', '~', '<', '#', '|'];
const NON_ASCII = ['é', 'ß', '日本', '😀'];
const CHARACTERS = [...SAFE, ...SPECIAL_HANDLING, ...TO_AVOID, ...NON_ASCII];

const BUCKET = 'key-characters';

function clientWith(endpoint: string, credentials: S3ClientConfig['credentials']): S3Client {
  return localS3Client(endpoint, { credentials });
}

describe('rewriteForS3rver', () => {
  it('replaces any access key in a SigV4 Authorization header with the one s3rver knows', () => {
    const request = {
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261129/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
      } as Record<string, string | string[] | undefined>,
      querystring: '',
    };

    rewriteForS3rver(request);

    expect(request.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=S3RVER/20261129/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
    );
  });

  it('replaces the access key of a presigned URL', () => {
    const request = { headers: {}, querystring: 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAEXAMPLE%2F20261129%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=abc' };

    rewriteForS3rver(request);

    expect(request.querystring).toBe('X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=S3RVER%2F20261129%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=abc');
  });

  it.each([
    ['bucket/input/a%2Bb.jsonl', 'bucket/input/a+b.jsonl'],
    ['bucket/input/a%26b%2Cc%3Dd.jsonl', 'bucket/input/a&b,c=d.jsonl'],
    ['bucket/input/50%25%20off%3F.jsonl', 'bucket/input/50% off?.jsonl'],
    ['bucket/input/users.jsonl?versionId=3HL4kqtJlcpXroDTDmJ', 'bucket/input/users.jsonl'],
  ])('makes s3rver read copy source %s as the key S3 would (%s)', (header, expected) => {
    const request = { headers: { 'x-amz-copy-source': header } as Record<string, string | string[] | undefined>, querystring: '' };

    rewriteForS3rver(request);

    expect(decodeURI(String(request.headers['x-amz-copy-source']))).toBe(expected);
  });
});

describe('local S3', () => {
  let s3: LocalS3;
  let client: S3Client;

  beforeAll(async () => {
    s3 = await startLocalS3();
    client = localS3Client(s3.endpoint);
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });

  afterAll(async () => {
    client.destroy();
    await s3.close();
  });

  it.each([
    ['a long-term access key', { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }],
    ['temporary credentials with a session token', { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' }],
  ])('accepts %s, as the other stand-ins do', async (_, credentials) => {
    // Prepare
    const other = clientWith(s3.endpoint, credentials);

    // Act
    await other.send(new PutObjectCommand({ Bucket: BUCKET, Key: `credentials/${credentials.accessKeyId}.txt`, Body: 'hello' }));
    const object = await other.send(new GetObjectCommand({ Bucket: BUCKET, Key: `credentials/${credentials.accessKeyId}.txt` }));
    const listing = await other.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'credentials/' }));
    other.destroy();

    // Assess
    expect(await object.Body?.transformToString()).toBe('hello');
    expect(listing.Contents?.map((entry) => entry.Key)).toContain(`credentials/${credentials.accessKeyId}.txt`);
  });

  it('stores a key whose file name is 212 characters, and refuses one too long for a local file name with a clear S3 error', async () => {
    // Prepare
    const fits = `input/${'a'.repeat(212)}.jsonl`;
    const tooLong = `input/${'b'.repeat(240)}.jsonl`;

    // Act
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: fits, Body: 'ok' }));
    const refused = client.send(new PutObjectCommand({ Bucket: BUCKET, Key: tooLong, Body: 'no' }));

    // Assess
    await expect(refused).rejects.toMatchObject({ name: 'KeyTooLongError', message: expect.stringContaining('Local mode cannot store this key') });
    const stored = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: fits }));
    expect(await stored.Body?.transformToString()).toBe('ok');
  });

  it.each(CHARACTERS)('copies a key containing %j through the production adapter', async (character) => {
    // Prepare
    const key = `input/a${character}b/file${character}name.jsonl`;
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `{"userId":"${key.length}"}` }));
    const objects = new DataBucketObjects({ client });

    // Act
    await objects.copy({ bucket: BUCKET, key }, { bucket: BUCKET, key: `staging/copy-of/${key}` });
    const copy = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `staging/copy-of/${key}` }));

    // Assess
    expect(await copy.Body?.transformToString()).toBe(`{"userId":"${key.length}"}`);
  });
});

describe('uploads with any key S3 allows', () => {
  it('runs each upload to SUCCEEDED, whatever characters its key holds', async () => {
    await withLocalEnvironment({}, async (environment) => {
      // Prepare: one upload per group of characters, so every character is in some key.
      const groups = [SAFE, SPECIAL_HANDLING, TO_AVOID, NON_ASCII];
      const keys = groups.map((group, index) => `input/group ${index} ${group.join('')}.jsonl`);

      // Act
      for (const key of keys) await environment.upload(key, '{"userId":"user-001"}\n');
      const summaries = await environment.triggersSettled();
      const started = summaries.flatMap((summary) => summary.started);
      const executions = await Promise.all(started.map((run) => environment.stepFunctions.waitForExecution(run.executionArn)));
      const records = await Promise.all(started.map((run) => environment.getRunRecord(run.executionName)));

      // Assess
      expect(started.map((run) => run.key).sort()).toEqual([...keys].sort());
      expect(executions.map((execution) => execution.status)).toEqual(keys.map(() => 'SUCCEEDED'));
      expect(records.map((record) => record?.inputPath).sort()).toEqual(keys.map((key) => `s3://${environment.bucket}/${key}`).sort());
    });
  });
});
