import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { describePublishedEvents, describeVerification } from '../../src/cli/run-summary';

describe('describeVerification', () => {
  it('prints the records, errors, empty lists and input count, then the first errors', () => {
    expect(describeVerification({ records: 10, errorRecords: 1, emptyRecords: 2, inputRecords: 10, firstErrors: ['bad userId'] })).toEqual([
      'Verified: 10 records, 1 failed, 2 without recommendations (input: 10 records)',
      'First errors:',
      '  - bad userId',
    ]);
  });

  it('prints nothing for a run whose output was never read', () => {
    expect(describeVerification({ status: 'FAILED', errorType: 'InvalidRunInputError' })).toEqual([]);
  });
});

describe('describePublishedEvents', () => {
  it('prints each event\'s source, detail-type and detail', () => {
    const lines = describePublishedEvents([
      {
        version: '0',
        id: 'e-1',
        'detail-type': 'Batch Inference Run Failed',
        source: 'personalize-batch-orchestrator',
        account: '123456789012',
        time: '2026-11-28T03:40:00Z',
        region: 'us-east-1',
        resources: [],
        detail: { runId: 'run-1', status: 'FAILED' },
      },
    ]);
    expect(lines).toEqual([
      'Published on the default EventBridge bus (1):',
      '  personalize-batch-orchestrator / Batch Inference Run Failed: {"runId":"run-1","status":"FAILED"}',
    ]);
  });
});

describe('personalize-batch run prints the verification and the events', () => {
  let workDirectory: string;

  beforeEach(async () => {
    workDirectory = await mkdtemp(join(tmpdir(), 'pbo-summary-'));
  });

  afterEach(async () => {
    await rm(workDirectory, { recursive: true, force: true });
  });

  it('exits 1 for issue 8\'s input (userID, user_id, a numeric userId), printing the figures, the first error and the Failed event', async () => {
    // Prepare
    const input = join(workDirectory, 'wrong-fields.jsonl');
    await writeFile(input, '{"userID":"user-001"}\n{"user_id":"user-002"}\n{"userId":3}\n');
    const lines: string[] = [];

    // Act
    const exitCode = await main(['run', input, '--out-dir', workDirectory], (line) => lines.push(line));

    // Assess
    const text = lines.join('\n');
    expect(exitCode).toBe(1);
    expect(text).toContain('Verified: 3 records, 3 failed, 0 without recommendations (input: 3 records)');
    expect(text).toContain('  - Invalid input record: USER_PERSONALIZATION solution versions need a "userId" string of 1 to 256 characters');
    expect(text).toMatch(/personalize-batch-orchestrator \/ Batch Inference Run Failed: \{"runId":"upload-wrong-fields-jsonl-/);
    expect(lines.at(-1)).toMatch(/^✘ Run upload-wrong-fields-jsonl-[0-9a-f]{16} FAILED: 3 of 3 records failed: Invalid input record: /);
  });

  it('prints the summary beside the output location, and the Succeeded event, for a run that succeeded', async () => {
    // Prepare
    const input = join(workDirectory, 'users.jsonl');
    await writeFile(input, '{"userId":"user-001"}\n{"userId":"user-002"}\n');
    const lines: string[] = [];

    // Act
    const exitCode = await main(['run', input, '--out-dir', workDirectory], (line) => lines.push(line));

    // Assess
    expect(exitCode).toBe(0);
    const output = lines.findIndex((line) => line.startsWith('Output: s3://'));
    expect(lines[output + 1]).toBe('Verified: 2 records, 0 failed, 0 without recommendations (input: 2 records)');
    expect(lines.join('\n')).toContain('personalize-batch-orchestrator / Batch Inference Run Succeeded: ');
  });
});
