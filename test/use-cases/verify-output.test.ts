import type { OutputTally } from '../../src/domain/output-verification';
import type { InputRecords, JobOutputs } from '../../src/use-cases/ports';
import { verifyOutput } from '../../src/use-cases/verify-output';
import { DATA_BUCKET, OUTPUT_BASE_URI, pollState, runContext } from '../support/sample-run';

const RUN_ID = 'run-2026-01-15-users';
const ACTIVE = pollState({ count: 5, status: 'ACTIVE', terminal: true, waitSeconds: 0 });
const line = (error: string | null) => JSON.stringify({ input: { userId: 'u' }, output: error ? null : { recommendedItems: ['i1'], scores: [0.5] }, error });

/** Output files by key; `tallyOutputs` feeds every `.out` under the prefix, as the S3 adapter does. */
class FakeOutputs implements JobOutputs, InputRecords {
  readonly listed: Array<{ bucket: string; prefix: string }> = [];
  readonly counted: Array<{ bucket: string; prefix: string }> = [];

  constructor(
    private readonly files: Record<string, string[]>,
    private readonly failWith?: Error,
    private readonly inputFailure?: Error,
  ) {}

  async tallyOutputs(location: { bucket: string; prefix: string }, tally: OutputTally): Promise<void> {
    this.listed.push(location);
    if (this.failWith) throw this.failWith;
    for (const [key, lines] of Object.entries(this.files)) {
      if (!key.startsWith(location.prefix) || !key.endsWith('.out')) continue;
      tally.addFile();
      for (const text of lines) tally.addLine(text);
    }
  }

  async countRecords(location: { bucket: string; prefix: string }): Promise<number> {
    this.counted.push(location);
    if (this.inputFailure) throw this.inputFailure;
    return 4;
  }
}

const s3Error = (name: string, message: string, httpStatusCode?: number) =>
  Object.assign(new Error(message), { name, ...(httpStatusCode !== undefined && { $metadata: { httpStatusCode } }) });

describe('verifyOutput', () => {
  it('tallies exactly the run\'s <input file>.out, counts the staged input and hands the figures to Record run', async () => {
    // Prepare: another run's file in the same folder must not count.
    const outputs = new FakeOutputs({
      [`output/${RUN_ID}/users.jsonl.out`]: [line(null), line('bad'), line(null), line(null)],
      [`output/${RUN_ID}/older-users.jsonl.out`]: [line('stale')],
    });
    const run = runContext();

    // Act
    const state = await verifyOutput({ run, poll: ACTIVE }, { outputs, inputs: outputs });

    // Assess
    expect(outputs.listed).toEqual([{ bucket: DATA_BUCKET, prefix: `output/${RUN_ID}/users.jsonl.out` }]);
    expect(outputs.counted).toEqual([{ bucket: DATA_BUCKET, prefix: `staging/${RUN_ID}/` }]);
    expect(state).toEqual({
      next: 'RECORD',
      run,
      poll: ACTIVE,
      verification: {
        verified: true,
        location: `${OUTPUT_BASE_URI}${RUN_ID}/users.jsonl.out`,
        outputFiles: 1,
        records: 4,
        errorRecords: 1,
        emptyRecords: 0,
        firstErrors: ['bad'],
        inputRecords: 4,
      },
    });
  });

  it('tallies every .out of the output folder for a folder input, and counts no input (it was not staged)', async () => {
    // Prepare
    const outputs = new FakeOutputs({ [`output/${RUN_ID}/a.jsonl.out`]: [line(null)], [`output/${RUN_ID}/b.jsonl.out`]: [line(null)] });
    const folder = `s3://${DATA_BUCKET}/input/batch/`;
    const run = runContext({ inputPath: folder, jobInputPath: folder, outputLocation: `${OUTPUT_BASE_URI}${RUN_ID}/` });

    // Act
    const { verification } = await verifyOutput({ run, poll: ACTIVE }, { outputs, inputs: outputs });

    // Assess
    expect(outputs.counted).toEqual([]);
    expect(verification).toMatchObject({ verified: true, outputFiles: 2, records: 2 });
    expect(verification).not.toHaveProperty('inputRecords', expect.anything());
  });

  it.each([
    ['AccessDenied', s3Error('AccessDenied', 'Access Denied', 403)],
    ['a KMS refusal', s3Error('KMS.DisabledException', 'The key is disabled', 400)],
    ['NoSuchBucket', s3Error('NoSuchBucket', 'The specified bucket does not exist', 404)],
    ['any 403', s3Error('Forbidden', 'UnknownError', 403)],
  ])('records output it may not read (%s) as not verified, naming the location and S3\'s error', async (_name, error) => {
    // Prepare
    const outputs = new FakeOutputs({}, error);

    // Act
    const { verification, next } = await verifyOutput({ run: runContext(), poll: ACTIVE }, { outputs, inputs: outputs });

    // Assess
    expect(next).toBe('RECORD');
    expect(verification).toEqual({
      verified: false,
      location: `${OUTPUT_BASE_URI}${RUN_ID}/users.jsonl.out`,
      error: error.name,
      reason: `The output could not be verified: reading ${OUTPUT_BASE_URI}${RUN_ID}/users.jsonl.out failed with ${error.name}: ${error.message}`,
    });
  });

  it('names the staged input when that is what cannot be read', async () => {
    // Prepare
    const outputs = new FakeOutputs({ [`output/${RUN_ID}/users.jsonl.out`]: [line(null)] }, undefined, s3Error('AccessDenied', 'Access Denied', 403));

    // Act
    const { verification } = await verifyOutput({ run: runContext(), poll: ACTIVE }, { outputs, inputs: outputs });

    // Assess
    expect(verification).toMatchObject({ verified: false, location: `s3://${DATA_BUCKET}/staging/${RUN_ID}/`, error: 'AccessDenied' });
  });

  it('throws an error a retry may fix (throttling, a 5xx), naming what it was reading, for the Task\'s retries', async () => {
    // Prepare
    const outputs = new FakeOutputs({}, s3Error('SlowDown', 'Please reduce your request rate.', 503));

    // Act
    const attempt = verifyOutput({ run: runContext(), poll: ACTIVE }, { outputs, inputs: outputs });

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'SlowDown',
      message: `Verifying ${OUTPUT_BASE_URI}${RUN_ID}/users.jsonl.out failed: Please reduce your request rate.`,
    });
  });
});
