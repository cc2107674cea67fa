import { startRunsForUploads, type UploadTriggerDependencies } from '../../src/use-cases/start-runs-for-uploads';
import mixedRecordsEvent from '../fixtures/s3-mixed-records-event.json';
import putEvent from '../fixtures/s3-put-event.json';
import testEvent from '../fixtures/s3-test-event.json';
import { FakeExecutions, s3Event } from './support/sample-run';

type LogLine = { message: string; details: Record<string, unknown> };

function dependencies(executions = new FakeExecutions()): UploadTriggerDependencies & { executions: FakeExecutions; lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    executions,
    filter: { inputPrefix: 'input/' },
    log: { info: (message, details) => lines.push({ message, details }) },
    lines,
  };
}

describe('startRunsForUploads', () => {
  it('starts one execution for an uploaded file with the run input the state machine expects', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const summary = await startRunsForUploads(s3Event(putEvent), deps);

    // Assess
    expect(deps.executions.requests).toHaveLength(1);
    const request = deps.executions.requests[0]!;
    expect(request.name).toMatch(/^upload-users-2026-01-15-jsonl-[0-9a-f]{16}$/);
    expect(request.input).toEqual({
      inputPath: 's3://personalize-batch-dev-data/input/users 2026-01-15.jsonl',
      source: {
        type: 's3',
        bucket: 'personalize-batch-dev-data',
        key: 'input/users 2026-01-15.jsonl',
        size: 1024,
        eTag: 'd41d8cd98f00b204e9800998ecf8427e',
        versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko',
        sequencer: '0055AED6DCD90281E5',
        eventTime: '2026-01-15T10:21:33.417Z',
      },
    });
    expect(summary).toEqual({
      started: [
        {
          key: 'input/users 2026-01-15.jsonl',
          executionName: request.name,
          executionArn: `arn:aws:states:us-east-1:123456789012:execution:personalize-batch-dev:${request.name}`,
        },
      ],
      duplicates: [],
      ignored: [],
    });
  });

  it('leaves versionId out of the source for an unversioned bucket', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    await startRunsForUploads(s3Event(mixedRecordsEvent), deps);

    // Assess
    const source = (deps.executions.requests[0]?.input as { source: Record<string, unknown> }).source;
    expect(source).not.toHaveProperty('versionId');
    expect(source).toHaveProperty('eTag', '6f5902ac237024bdd0c176cb93063dc4');
  });

  it('reports a redelivered event as a duplicate and starts nothing new', async () => {
    // Prepare
    const deps = dependencies();
    const first = await startRunsForUploads(s3Event(putEvent), deps);

    // Act
    const second = await startRunsForUploads(s3Event(putEvent), deps);

    // Assess
    expect(deps.executions.requests.map((request) => request.name)).toEqual([first.started[0]?.executionName, first.started[0]?.executionName]);
    expect(second).toEqual({
      started: [],
      duplicates: [{ key: 'input/users 2026-01-15.jsonl', executionName: first.started[0]?.executionName }],
      ignored: [],
    });
    expect(deps.lines.at(-1)?.message).toBe('Upload already has a run; not starting another');
  });

  it('starts a new run when the same key is uploaded again', async () => {
    // Prepare
    const deps = dependencies();
    const reupload = s3Event(putEvent);
    reupload.Records[0]!.s3.object.sequencer = '0055AED6DCD90281F0';
    reupload.Records[0]!.s3.object.versionId = 'Lx7oTq1S2nA8.bX3vEXAMPLE';

    // Act
    await startRunsForUploads(s3Event(putEvent), deps);
    const summary = await startRunsForUploads(reupload, deps);

    // Assess
    expect(summary.started).toHaveLength(1);
    expect(new Set(deps.executions.requests.map((request) => request.name)).size).toBe(2);
  });

  it('sorts a mixed notification into started, duplicates and ignored', async () => {
    // Prepare
    const executions = new FakeExecutions();
    const deps = dependencies(executions);
    await startRunsForUploads(s3Event({ Records: [s3Event(mixedRecordsEvent).Records[2]] }), deps);

    // Act
    const summary = await startRunsForUploads(s3Event(mixedRecordsEvent), deps);

    // Assess
    expect(summary.started.map((entry) => entry.key)).toEqual(['input/weekly users.jsonl', 'input/café résumé.jsonl']);
    expect(summary.duplicates.map((entry) => entry.key)).toEqual(['input/big+batch.jsonl']);
    expect(summary.ignored.map((entry) => entry.reason)).toEqual([
      'event ObjectRemoved:Delete is not an object creation',
      'key is outside the input prefix "input/"',
      'key is a folder marker',
      'object is empty (0 bytes)',
    ]);
    expect(deps.lines.filter((line) => line.message === 'Ignoring S3 record')).toHaveLength(4);
  });

  it('starts nothing for the s3:TestEvent', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const summary = await startRunsForUploads(structuredClone(testEvent) as unknown as Parameters<typeof startRunsForUploads>[0], deps);

    // Assess
    expect(deps.executions.requests).toEqual([]);
    expect(summary).toEqual({ started: [], duplicates: [], ignored: [{ reason: 'not an object notification (s3:TestEvent)' }] });
  });

  it('lets any other StartExecution error through so Lambda retries the event', async () => {
    // Prepare
    const deps = dependencies();
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    deps.executions.failWith = throttled;

    // Act & Assess
    await expect(startRunsForUploads(s3Event(putEvent), deps)).rejects.toBe(throttled);
  });
});
