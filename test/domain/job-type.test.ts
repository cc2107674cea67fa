import { InvalidRunInputError } from '../../src/domain/errors';
import { parseJobGroupConfig } from '../../src/domain/job-group-config';
import { resolveJobSettings } from '../../src/domain/job-settings';
import { jobTypeOfArn } from '../../src/domain/job-type';
import { DEFAULT_POLLING_POLICY } from '../../src/domain/polling-policy';
import { buildRunRecord } from '../../src/domain/run';
import { runEventFor, SEGMENT_RUN_EVENT_DETAIL_TYPES } from '../../src/domain/run-event';
import { mergeRunInput, parseRunInput } from '../../src/domain/run-input';

const INPUT_PATH = 's3://data/input/segments/items.jsonl';
const SV = 'arn:aws:personalize:us-east-1:123456789012:solution/affinity/1';
const DEFAULTS = { solutionVersionArn: SV, roleArn: 'arn:aws:iam::123456789012:role/R', outputBaseUri: 's3://data/output/' };

function issuesOf(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof InvalidRunInputError) return error.issues.map((issue) => `${issue.field}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('jobType', () => {
  it('defaults to BATCH_INFERENCE and resolves BATCH_SEGMENT from the run input or the group', () => {
    expect(resolveJobSettings(parseRunInput({ inputPath: INPUT_PATH }), DEFAULTS, 'run-1', 'job-1').jobType).toBe('BATCH_INFERENCE');
    expect(resolveJobSettings(parseRunInput({ inputPath: INPUT_PATH, jobType: 'BATCH_SEGMENT' }), DEFAULTS, 'run-1', 'job-1').jobType).toBe('BATCH_SEGMENT');
    const group = parseJobGroupConfig({ jobType: 'BATCH_SEGMENT', numResults: 1000 }, 's3://data/config/segments.json');
    expect(mergeRunInput(group, parseRunInput({ inputPath: INPUT_PATH }))).toMatchObject({ jobType: 'BATCH_SEGMENT', numResults: 1000 });
  });

  it('names the allowed values for any other jobType', () => {
    expect(issuesOf(() => parseRunInput({ inputPath: INPUT_PATH, jobType: 'SEGMENT' }))).toEqual(['jobType: must be BATCH_INFERENCE or BATCH_SEGMENT']);
  });

  it('refuses each batch inference setting on a segment run, also when the group gives one and the run the job type', () => {
    const why = 'is a batch inference setting, and CreateBatchSegmentJob has no such member (jobType is BATCH_SEGMENT); remove it, or set jobType BATCH_INFERENCE';
    expect(
      issuesOf(() =>
        parseRunInput({ inputPath: INPUT_PATH, jobType: 'BATCH_SEGMENT', batchInferenceJobConfig: { itemExplorationConfig: { explorationWeight: '0.3' } } }),
      ),
    ).toEqual([`batchInferenceJobConfig: ${why}`]);
    const group = parseJobGroupConfig({ batchInferenceJobMode: 'BATCH_INFERENCE' }, 's3://data/config/users.json');
    expect(issuesOf(() => mergeRunInput(group, parseRunInput({ inputPath: INPUT_PATH, jobType: 'BATCH_SEGMENT' })))).toEqual([`batchInferenceJobMode: ${why}`]);
  });

  it('keeps the settings both job types share on a segment run: filterArn, numResults, tags, KMS keys', () => {
    const input = parseRunInput({
      inputPath: INPUT_PATH,
      jobType: 'BATCH_SEGMENT',
      numResults: 500,
      filterArn: 'arn:aws:personalize:us-east-1:123456789012:filter/f',
      tags: [{ tagKey: 'team', tagValue: 'crm' }],
    });
    expect(resolveJobSettings(input, DEFAULTS, 'run-1', 'job-1')).toMatchObject({ jobType: 'BATCH_SEGMENT', numResults: 500, filterArn: input.filterArn, tags: input.tags });
  });

  it('allows at most 5 million users per segment, and any numResults on a batch inference run', () => {
    expect(issuesOf(() => parseRunInput({ inputPath: INPUT_PATH, jobType: 'BATCH_SEGMENT', numResults: 5_000_001 }))).toEqual([
      'numResults: is users per segment for a batch segment job, at most 5000000; got 5000001',
    ]);
    expect(issuesOf(() => parseRunInput({ inputPath: INPUT_PATH, jobType: 'BATCH_SEGMENT', numResults: 5_000_000 }))).toEqual([]);
    expect(issuesOf(() => parseRunInput({ inputPath: INPUT_PATH, numResults: 5_000_001 }))).toEqual([]);
  });

  it('reads the job type from a job ARN', () => {
    expect(jobTypeOfArn('arn:aws:personalize:us-east-1:123456789012:batch-segment-job/j')).toBe('BATCH_SEGMENT');
    expect(jobTypeOfArn('arn:aws:personalize:us-east-1:123456789012:batch-inference-job/j')).toBe('BATCH_INFERENCE');
    expect(jobTypeOfArn('arn:aws:personalize:us-east-1:123456789012:solution/s')).toBeUndefined();
    expect(jobTypeOfArn(undefined)).toBeUndefined();
  });
});

describe('segment runs on records and events', () => {
  const execution = { arn: 'arn:aws:states:us-east-1:123456789012:execution:sm:run-1', name: 'run-1', startTime: '2026-01-15T10:00:00.000Z' };
  const run = {
    runId: 'run-1',
    jobType: 'BATCH_SEGMENT' as const,
    executionArn: execution.arn,
    executionStartTime: execution.startTime,
    jobName: 'run-1',
    jobArn: 'arn:aws:personalize:us-east-1:123456789012:batch-segment-job/run-1',
    adoptedExistingJob: false,
    jobCreatedAt: execution.startTime,
    solutionVersionArn: SV,
    inputPath: INPUT_PATH,
    jobInputPath: 's3://data/staging/run-1/',
    outputPath: 's3://data/output/run-1/',
    outputLocation: 's3://data/output/run-1/items.jsonl.out',
    polling: { ...DEFAULT_POLLING_POLICY },
  };
  const poll = { count: 3, status: 'CREATE FAILED', terminal: true, timedOut: false, failureReason: 'bad recipe', waitSeconds: 0, elapsedSeconds: 600 };

  it('records jobType and names a failed segment job BatchSegmentJobFailed', () => {
    const record = buildRunRecord({ execution, state: { run, poll } }, new Date('2026-01-15T10:10:00.000Z'));
    expect(record).toMatchObject({ jobType: 'BATCH_SEGMENT', status: 'FAILED', errorType: 'BatchSegmentJobFailed', failureReason: 'bad recipe' });
  });

  it('records the jobType a run asked for when its start failed', () => {
    const record = buildRunRecord(
      { execution, input: { inputPath: INPUT_PATH, jobType: 'BATCH_SEGMENT' }, state: { error: { Error: 'InvalidRunInputError', Cause: 'x' } } },
      new Date('2026-01-15T10:10:00.000Z'),
    );
    expect(record.jobType).toBe('BATCH_SEGMENT');
  });

  it.each(Object.entries(SEGMENT_RUN_EVENT_DETAIL_TYPES))('publishes a %s segment run as "%s", with the jobType in the detail', (status, detailType) => {
    const event = runEventFor({ runId: 'run-1', status, jobType: 'BATCH_SEGMENT' });
    expect(event).toMatchObject({ detailType, detail: { jobType: 'BATCH_SEGMENT' } });
  });

  it('tells a segment run by its job ARN when the record has no jobType (a run the closer recorded)', () => {
    const event = runEventFor({ runId: 'run-1', status: 'ABORTED', jobArn: run.jobArn });
    expect(event).toMatchObject({ detailType: 'Batch Segment Run Aborted', detail: { jobType: 'BATCH_SEGMENT' } });
    expect(runEventFor({ runId: 'run-2', status: 'ABORTED' })).toMatchObject({ detailType: 'Batch Inference Run Aborted', detail: { jobType: 'BATCH_INFERENCE' } });
  });
});
