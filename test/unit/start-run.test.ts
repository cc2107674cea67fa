import { InvalidRunInputError, JobRejectedError, PersonalizeBusyError } from '../../src/domain/errors';
import { DEFAULT_POLLING_POLICY } from '../../src/domain/polling-policy';
import type { RunDefaults } from '../../src/domain/run-input';
import { batchInferenceJobArn, startRun, type StartRunDependencies } from '../../src/use-cases/start-run';
import {
  executionRef,
  FakeBatchJobs,
  INPUT_PATH,
  jobArnFor,
  OTHER_SOLUTION_VERSION_ARN,
  OUTPUT_BASE_URI,
  ROLE_ARN,
  SOLUTION_VERSION_ARN,
} from './support/sample-run';

const NOW = Date.parse('2026-01-15T10:00:05.000Z');
const defaults: RunDefaults = { solutionVersionArn: SOLUTION_VERSION_ARN, roleArn: ROLE_ARN, outputBaseUri: OUTPUT_BASE_URI, numResults: 25 };

function dependencies(jobs = new FakeBatchJobs()): StartRunDependencies & { jobs: FakeBatchJobs } {
  return { jobs, defaults, now: () => NOW };
}

describe('startRun', () => {
  it('creates the job under the run id and hands the loop its first wait', async () => {
    // Prepare
    const deps = dependencies();
    const execution = executionRef('run-2026-01-15-users');

    // Act
    const state = await startRun({ input: { inputPath: INPUT_PATH, source: { type: 'manual' } }, execution }, deps);

    // Assess
    expect(deps.jobs.created).toHaveLength(1);
    expect(deps.jobs.created[0]).toMatchObject({
      jobName: 'run-2026-01-15-users',
      solutionVersionArn: SOLUTION_VERSION_ARN,
      roleArn: ROLE_ARN,
      inputPath: INPUT_PATH,
      outputPath: `${OUTPUT_BASE_URI}run-2026-01-15-users/`,
      numResults: 25,
    });
    expect(state).toEqual({
      run: {
        runId: 'run-2026-01-15-users',
        executionArn: execution.arn,
        executionStartTime: execution.startTime,
        jobName: 'run-2026-01-15-users',
        jobArn: jobArnFor('run-2026-01-15-users'),
        adoptedExistingJob: false,
        jobCreatedAt: '2026-01-15T10:00:05.000Z',
        solutionVersionArn: SOLUTION_VERSION_ARN,
        inputPath: INPUT_PATH,
        outputPath: `${OUTPUT_BASE_URI}run-2026-01-15-users/`,
        outputLocation: `${OUTPUT_BASE_URI}run-2026-01-15-users/users.jsonl.out`,
        numResults: 25,
        filterArn: undefined,
        polling: { ...DEFAULT_POLLING_POLICY },
        source: { type: 'manual' },
      },
      poll: { count: 0, status: null, terminal: false, timedOut: false, failureReason: null, waitSeconds: 60, elapsedSeconds: 0 },
    });
  });

  it('derives a valid job name from a run id Personalize would refuse', async () => {
    // Prepare
    const deps = dependencies();
    const runId = `upload-${'weekly-users-'.repeat(6)}0123456789abcdef`;

    // Act
    const state = await startRun({ input: { inputPath: INPUT_PATH }, execution: executionRef(runId) }, deps);

    // Assess
    expect(state.run.jobName).not.toBe(runId);
    expect(state.run.jobName.length).toBeLessThanOrEqual(63);
    expect(state.run.jobName).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/);
    expect(deps.jobs.created[0]?.jobName).toBe(state.run.jobName);
    expect(state.run.runId).toBe(runId);
  });

  it('uses the jobName the input gives', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const state = await startRun({ input: { inputPath: INPUT_PATH, jobName: 'my-own-job' }, execution: executionRef() }, deps);

    // Assess
    expect(deps.jobs.created[0]?.jobName).toBe('my-own-job');
    expect(state.run.jobArn).toBe(jobArnFor('my-own-job'));
  });

  it('starts the poll with the input’s polling guards', async () => {
    // Act
    const state = await startRun({ input: { inputPath: INPUT_PATH, maxWaitSeconds: 600, maxPolls: 7 }, execution: executionRef() }, dependencies());

    // Assess
    expect(state.run.polling).toMatchObject({ maxElapsedSeconds: 600, maxPolls: 7 });
  });

  it('adopts the existing job when a retried start finds the name in use with the same request', async () => {
    // Prepare
    const deps = dependencies();
    const request = { input: { inputPath: INPUT_PATH }, execution: executionRef('run-retried') };
    await startRun(request, deps);
    deps.jobs.jobs.get(jobArnFor('run-retried'))!.status = 'IN PROGRESS';

    // Act
    const state = await startRun(request, { ...deps, now: () => NOW + 120_000 });

    // Assess
    expect(deps.jobs.created).toHaveLength(2);
    expect(deps.jobs.described).toEqual([jobArnFor('run-retried')]);
    expect(state.run).toMatchObject({
      jobArn: jobArnFor('run-retried'),
      adoptedExistingJob: true,
      // The guard counts from the job's own creation, not from the retry.
      jobCreatedAt: '2026-01-15T10:00:01.000Z',
    });
    expect(state.poll.count).toBe(0);
  });

  it('falls back to now when the adopted job has no creation time', async () => {
    // Prepare
    const jobs = new FakeBatchJobs();
    jobs.jobs.set(jobArnFor('run-1'), {
      jobArn: jobArnFor('run-1'),
      jobName: 'run-1',
      status: 'ACTIVE',
      solutionVersionArn: SOLUTION_VERSION_ARN,
      inputPath: INPUT_PATH,
      outputPath: `${OUTPUT_BASE_URI}run-1/`,
    });

    // Act
    const state = await startRun({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, dependencies(jobs));

    // Assess
    expect(state.run).toMatchObject({ adoptedExistingJob: true, jobCreatedAt: new Date(NOW).toISOString() });
  });

  it.each([
    ['solutionVersionArn', { solutionVersionArn: OTHER_SOLUTION_VERSION_ARN }],
    ['inputPath', { inputPath: 's3://personalize-batch-dev-data/input/other.jsonl' }],
    ['outputPath', { outputPath: 's3://personalize-batch-dev-data/elsewhere/' }],
  ])('refuses to adopt a job whose %s differs, naming the field', async (field, difference) => {
    // Prepare
    const jobs = new FakeBatchJobs();
    jobs.jobs.set(jobArnFor('run-1'), {
      jobArn: jobArnFor('run-1'),
      jobName: 'run-1',
      status: 'ACTIVE',
      solutionVersionArn: SOLUTION_VERSION_ARN,
      inputPath: INPUT_PATH,
      outputPath: `${OUTPUT_BASE_URI}run-1/`,
      ...difference,
    });

    // Act
    const attempt = startRun({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, dependencies(jobs));

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(JobRejectedError);
    await expect(attempt).rejects.toMatchObject({
      name: 'JobRejectedError',
      personalizeErrorType: 'ResourceAlreadyExistsException',
      message: expect.stringContaining(`${field} is `),
    });
    const message = await attempt.catch((error: Error) => error.message);
    for (const other of ['solutionVersionArn', 'inputPath', 'outputPath'].filter((name) => name !== field)) {
      expect(message).not.toContain(`${other} is `);
    }
    expect(message).toContain('Job name run-1 is already used');
  });

  it('names every mismatched field and says unset for one Personalize did not report', async () => {
    // Prepare
    const jobs = new FakeBatchJobs();
    jobs.jobs.set(jobArnFor('run-1'), {
      jobArn: jobArnFor('run-1'),
      jobName: 'run-1',
      status: 'ACTIVE',
      solutionVersionArn: OTHER_SOLUTION_VERSION_ARN,
      inputPath: undefined,
      outputPath: 's3://x-bucket/y/',
    });

    // Act
    const attempt = startRun({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, dependencies(jobs));

    // Assess
    await expect(attempt).rejects.toThrow(
      `solutionVersionArn is ${OTHER_SOLUTION_VERSION_ARN}, this run wants ${SOLUTION_VERSION_ARN}; ` +
        `inputPath is unset, this run wants ${INPUT_PATH}; ` +
        `outputPath is s3://x-bucket/y/, this run wants ${OUTPUT_BASE_URI}run-1/`,
    );
  });

  it('refuses invalid input before asking Personalize anything', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const attempt = startRun({ input: { inputPath: INPUT_PATH, numResults: 0 }, execution: executionRef() }, deps);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidRunInputError);
    expect(deps.jobs.created).toEqual([]);
  });

  it('refuses a run with no solution version anywhere before asking Personalize', async () => {
    // Prepare
    const deps = { ...dependencies(), defaults: { ...defaults, solutionVersionArn: undefined } };

    // Act
    const attempt = startRun({ input: { inputPath: INPUT_PATH }, execution: executionRef() }, deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'InvalidRunInputError', issues: [expect.objectContaining({ field: 'solutionVersionArn' })] });
    expect(deps.jobs.created).toEqual([]);
  });

  it('lets a port error through unchanged', async () => {
    // Prepare
    const deps = dependencies();
    const busy = new PersonalizeBusyError('Personalize is busy (LimitExceededException): too many jobs');
    deps.jobs.createResult = busy;

    // Act
    const attempt = startRun({ input: { inputPath: INPUT_PATH }, execution: executionRef() }, deps);

    // Assess
    await expect(attempt).rejects.toBe(busy);
  });
});

describe('batchInferenceJobArn', () => {
  it.each([
    [SOLUTION_VERSION_ARN, 'job-1', 'arn:aws:personalize:us-east-1:123456789012:batch-inference-job/job-1'],
    ['arn:aws-cn:personalize:cn-north-1:123456789012:solution/s/v', 'job-2', 'arn:aws-cn:personalize:cn-north-1:123456789012:batch-inference-job/job-2'],
    ['arn:aws-us-gov:personalize:us-gov-west-1:210987654321:solution/s/v', 'j', 'arn:aws-us-gov:personalize:us-gov-west-1:210987654321:batch-inference-job/j'],
  ])('derives the job ARN from %s', (solutionVersionArn, jobName, expected) => {
    // Act & Assess
    expect(batchInferenceJobArn(solutionVersionArn, jobName)).toBe(expected);
  });

  it.each([
    ['another service', 'arn:aws:s3:::bucket'],
    ['no region', 'arn:aws:personalize::123456789012:solution/s/v'],
    ['no account', 'arn:aws:personalize:us-east-1::solution/s/v'],
    ['not an ARN', 'solution/s/v'],
  ])('refuses a solution version ARN with %s', (_label, solutionVersionArn) => {
    // Act & Assess
    expect(() => batchInferenceJobArn(solutionVersionArn, 'job')).toThrow(JobRejectedError);
  });
});
