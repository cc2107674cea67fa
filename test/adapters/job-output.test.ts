import { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { countNonBlankLines, S3JobOutputs } from '../../src/adapters/job-output';
import { OutputTally } from '../../src/domain/output-verification';
import { localS3Client, startLocalS3, type LocalS3 } from '../../src/local/local-s3';

const line = (user: string, error: string | null = null) =>
  JSON.stringify({ input: { userId: user }, output: error ? null : { recommendedItems: ['i1'], scores: [0.1] }, error });

describe('S3JobOutputs against local S3', () => {
  let s3: LocalS3;
  let client: S3Client;

  beforeAll(async () => {
    s3 = await startLocalS3();
    client = localS3Client(s3.endpoint);
    await client.send(new CreateBucketCommand({ Bucket: 'out' }));
  });

  afterAll(async () => {
    client.destroy();
    await s3.close();
  });

  it('tallies every .out object under the prefix and nothing else', async () => {
    // Prepare
    const put = (Key: string, Body: string) => client.send(new PutObjectCommand({ Bucket: 'out', Key, Body }));
    await put('output/run-1/users.jsonl.out', `${line('u1')}\n${line('u2', 'User error: bad')}\n`);
    await put('output/run-1/more.jsonl.out', `${line('u3')}\n`);
    await put('output/run-1/_CHECK', 'not output');
    await put('output/run-10/users.jsonl.out', `${line('other-run')}\n`);
    const tally = new OutputTally();

    // Act
    await new S3JobOutputs({ client }).tallyOutputs({ bucket: 'out', prefix: 'output/run-1/' }, tally);

    // Assess
    expect(tally.result()).toEqual({ outputFiles: 2, records: 3, errorRecords: 1, emptyRecords: 0, firstErrors: ['User error: bad'] });
  });

  it('reads a file larger than one stream chunk line by line', async () => {
    // Prepare: ~1.5 MB, well past the 64 KB chunks a stream delivers.
    const lines = Array.from({ length: 20_000 }, (_, index) => line(`user-${index}-${'x'.repeat(40)}`));
    await client.send(new PutObjectCommand({ Bucket: 'out', Key: 'output/big/users.jsonl.out', Body: lines.join('\n') }));
    const tally = new OutputTally();

    // Act
    await new S3JobOutputs({ client }).tallyOutputs({ bucket: 'out', prefix: 'output/big/' }, tally);

    // Assess
    expect(tally.result()).toMatchObject({ outputFiles: 1, records: 20_000, errorRecords: 0 });
  });

  it('throws S3\'s error when the output cannot be listed', async () => {
    const attempt = new S3JobOutputs({ client }).tallyOutputs({ bucket: 'no-such-bucket', prefix: 'output/' }, new OutputTally());

    await expect(attempt).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});

describe('S3JobOutputs paging', () => {
  it('follows continuation tokens until the listing is complete', async () => {
    // Prepare
    const s3Mock = mockClient(S3Client);
    s3Mock
      .on(ListObjectsV2Command, { ContinuationToken: undefined })
      .resolves({ Contents: [{ Key: 'output/a.out' }], IsTruncated: true, NextContinuationToken: 'page-2' })
      .on(ListObjectsV2Command, { ContinuationToken: 'page-2' })
      .resolves({ Contents: [{ Key: 'output/b.out' }], IsTruncated: false });
    // On Node the SDK's Body is a Readable (with helper methods the adapter does not use).
    s3Mock.on(GetObjectCommand).callsFake(() => ({ Body: Readable.from([`${line('u1')}\n`]) }));
    const tally = new OutputTally();

    // Act
    await new S3JobOutputs({ client: new S3Client({}) }).tallyOutputs({ bucket: 'out', prefix: 'output/' }, tally);

    // Assess
    expect(s3Mock).toHaveReceivedCommandTimes(ListObjectsV2Command, 2);
    expect(s3Mock).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'out', Key: 'output/b.out' });
    expect(tally.result()).toMatchObject({ outputFiles: 2, records: 2 });
    s3Mock.restore();
  });

  it('throws AccessDenied as S3 gave it, for the caller to record', async () => {
    const s3Mock = mockClient(S3Client);
    s3Mock.on(ListObjectsV2Command).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));

    const attempt = new S3JobOutputs({ client: new S3Client({}) }).tallyOutputs({ bucket: 'out', prefix: 'output/' }, new OutputTally());

    await expect(attempt).rejects.toMatchObject({ name: 'AccessDenied' });
    s3Mock.restore();
  });
});

describe('countNonBlankLines', () => {
  const chunks = (...parts: string[]) => Readable.from(parts.map((part) => Buffer.from(part, 'utf8')));

  it.each([
    ['one record per line, trailing newline', ['{"a":1}\n{"a":2}\n'], 2],
    ['no trailing newline', ['{"a":1}\n{"a":2}'], 2],
    ['blank and whitespace-only lines, CRLF', ['{"a":1}\r\n\r\n  \t\n{"a":2}\r\n'], 2],
    ['a BOM before the first record', ['\uFEFF{"a":1}\n'], 1],
    ['lines split across chunks', ['{"a"', ':1}\n{"a":2', '}\n', '\n{"a":3}'], 3],
    ['an empty object', [''], 0],
  ])('counts %s', async (_name, parts, expected) => {
    expect(await countNonBlankLines(chunks(...parts))).toBe(expected);
  });
});
