import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { composeVerifyOutput } from '../../src/composition/verify-output';
import type { VerifiedRunState } from '../../src/use-cases/verify-output';
import { localS3Client, startLocalS3, type LocalS3 } from '../../src/local/local-s3';
import { lambdaContext } from '../support/lambda-context';
import { pollState, runContext } from '../support/sample-run';

const BUCKET = 'verify-data';
const RUN_ID = 'run-1';
const line = (error: string | null) => JSON.stringify({ input: { userId: 'u' }, output: error ? null : { recommendedItems: ['i1'], scores: [0.5] }, error });

/** The verifyOutput function as deployed, with the real S3 client against local S3. */
describe('composeVerifyOutput against local S3', () => {
  let s3: LocalS3;
  let client: S3Client;

  beforeAll(async () => {
    s3 = await startLocalS3();
    client = localS3Client(s3.endpoint);
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `output/${RUN_ID}/users.jsonl.out`, Body: [line(null), line('bad'), line(null)].join('\n') }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `staging/${RUN_ID}/users.jsonl`, Body: '{"userId":"a"}\n\n{"userId":"b"}\r\n{"userId":"c"}' }));
  });

  afterAll(async () => {
    client.destroy();
    await s3.close();
  });

  const run = (bucket: string) =>
    runContext({
      runId: RUN_ID,
      inputPath: `s3://${BUCKET}/input/users.jsonl`,
      jobInputPath: `s3://${BUCKET}/staging/${RUN_ID}/`,
      outputPath: `s3://${bucket}/output/${RUN_ID}/`,
      outputLocation: `s3://${bucket}/output/${RUN_ID}/users.jsonl.out`,
    });
  const handler = () => composeVerifyOutput({}, { clients: { s3: client } });

  it('counts the output\'s records and the staged input\'s', async () => {
    // Act
    const state = (await handler()({ run: run(BUCKET), poll: pollState({ status: 'ACTIVE', terminal: true }) }, lambdaContext())) as VerifiedRunState;

    // Assess
    expect(state.verification).toEqual({
      verified: true,
      location: `s3://${BUCKET}/output/${RUN_ID}/users.jsonl.out`,
      outputFiles: 1,
      records: 3,
      errorRecords: 1,
      emptyRecords: 0,
      firstErrors: ['bad'],
      inputRecords: 3,
    });
  });

  it('returns "not verified" with S3\'s NoSuchBucket for output in a bucket that does not exist', async () => {
    // Act
    const state = (await handler()({ run: run('no-such-output-bucket'), poll: pollState({ status: 'ACTIVE', terminal: true }) }, lambdaContext())) as VerifiedRunState;

    // Assess
    expect(state.verification).toMatchObject({
      verified: false,
      error: 'NoSuchBucket',
      reason: expect.stringMatching(/^The output could not be verified: reading s3:\/\/no-such-output-bucket\/output\/run-1\/users\.jsonl\.out failed with NoSuchBucket: /),
    });
  });

  it('needs no environment variables, as serverless.yml sets none for it', () => {
    expect(typeof composeVerifyOutput({})).toBe('function');
  });
});
