import type { CapacityState } from '../../src/domain/capacity-policy';
import { CapacityWaitExceededError, InvalidRunInputError, JobRejectedError, PersonalizeBusyError } from '../../src/domain/errors';
import { DEFAULT_POLLING_POLICY } from '../../src/domain/polling-policy';
import type { RunState } from '../../src/domain/run';
import type { RunDefaults } from '../../src/domain/run-input';
import { batchInferenceJobArn, startRun, type StartRunDependencies, type StartRunResult } from '../../src/use-cases/start-run';
import {
  DATA_BUCKET,
  executionRef,
  FakeBatchJobs,
  FakeDataBucket,
  FILTER_ARN,
  INPUT_PATH,
  jobArnFor,
  LAYOUT,
  OTHER_SOLUTION_VERSION_ARN,
  OUTPUT_BASE_URI,
  ROLE_ARN,
  SOLUTION_VERSION_ARN,
  stagedFolder,
} from './support/sample-run';

const NOW = Date.parse('2026-01-15T10:00:05.000Z');
const defaults: RunDefaults = { solutionVersionArn: SOLUTION_VERSION_ARN, roleArn: ROLE_ARN, outputBaseUri: OUTPUT_BASE_URI, numResults: 25 };

type TestDependencies = StartRunDependencies & { jobs: FakeBatchJobs; bucket: FakeDataBucket };

function dependencies(jobs = new FakeBatchJobs(), bucket = new FakeDataBucket()): TestDependencies {
  // random pinned to the middle: every capacity wait is exactly 3/4 of its backed-off interval.
  return { jobs, bucket, defaults, layout: LAYOUT, configs: bucket, staging: bucket, now: () => NOW, random: () => 0.5 };
}

/** The run state of a start that got its job; fails the test on a capacity state. */
function started(result: StartRunResult): RunState {
  if (!('run' in result)) throw new Error(`Expected the job to start, got ${JSON.stringify(result)}`);
  return result;
}

/** The capacity state of a start Personalize refused; fails the test on a started run. */
function waiting(result: StartRunResult): CapacityState {
  if (!('capacity' in result)) throw new Error(`Expected a capacity wait, got ${JSON.stringify(result)}`);
  return result.capacity;
}

const busy = () => new PersonalizeBusyError('Personalize is busy (LimitExceededException): The limit of 5 pending or in progress batch inference jobs has been reached');

describe('startRun', () => {
  it('creates the job under the run id and hands the loop its first wait', async () => {
    // Prepare
    const deps = dependencies();
    const execution = executionRef('run-2026-01-15-users');

    // Act
    const state = started(await startRun({ input: { inputPath: INPUT_PATH, source: { type: 'manual' } }, execution }, deps));

    // Assess
    expect(deps.jobs.created).toHaveLength(1);
    expect(deps.jobs.created[0]).toMatchObject({
      jobName: 'run-2026-01-15-users',
      solutionVersionArn: SOLUTION_VERSION_ARN,
      roleArn: ROLE_ARN,
      // Personalize reads the run's own staged copy, not the upload folder.
      inputPath: stagedFolder('run-2026-01-15-users'),
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
        jobGroup: 'default',
        solutionVersionArn: SOLUTION_VERSION_ARN,
        inputPath: INPUT_PATH,
        jobInputPath: stagedFolder('run-2026-01-15-users'),
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
    const state = started(await startRun({ input: { inputPath: INPUT_PATH }, execution: executionRef(runId) }, deps));

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
    const state = started(await startRun({ input: { inputPath: INPUT_PATH, jobName: 'my-own-job' }, execution: executionRef() }, deps));

    // Assess
    expect(deps.jobs.created[0]?.jobName).toBe('my-own-job');
    expect(state.run.jobArn).toBe(jobArnFor('my-own-job'));
  });

  it('starts the poll with the input’s polling guards', async () => {
    // Act
    const state = started(await startRun({ input: { inputPath: INPUT_PATH, maxWaitSeconds: 600, maxPolls: 7 }, execution: executionRef() }, dependencies()));

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
    const state = started(await startRun(request, { ...deps, now: () => NOW + 120_000 }));

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
      inputPath: stagedFolder('run-1'),
      outputPath: `${OUTPUT_BASE_URI}run-1/`,
    });

    // Act
    const state = started(await startRun({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, dependencies(jobs)));

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
      inputPath: stagedFolder('run-1'),
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
        `inputPath is unset, this run wants ${stagedFolder('run-1')}; ` +
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

  it('lets a port error other than a busy Personalize through unchanged', async () => {
    // Prepare
    const deps = dependencies();
    const rejected = new JobRejectedError('Personalize rejected the job (InvalidInputException): bad', 'InvalidInputException');
    deps.jobs.createResult = rejected;

    // Act
    const attempt = startRun({ input: { inputPath: INPUT_PATH }, execution: executionRef() }, deps);

    // Assess
    await expect(attempt).rejects.toBe(rejected);
  });
});

describe('startRun with job group configuration files', () => {
  const GROUP_INPUT = `s3://${DATA_BUCKET}/input/users/2026-01-15.jsonl`;

  it('loads the configuration of the job group the input names', async () => {
    // Prepare
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/nightly.json', { numResults: 50, filterArn: FILTER_ARN }));

    // Act
    const state = started(await startRun({ input: { inputPath: INPUT_PATH, jobGroup: 'nightly' }, execution: executionRef('run-1') }, deps));

    // Assess
    expect(deps.bucket.reads).toEqual([`${DATA_BUCKET}/config/nightly.json`]);
    expect(deps.jobs.created[0]).toMatchObject({ numResults: 50, filterArn: FILTER_ARN });
    expect(state.run).toMatchObject({ jobGroup: 'nightly', numResults: 50, filterArn: FILTER_ARN });
  });

  it('loads the configuration of the job group the upload folder implies', async () => {
    // Prepare
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/users.json', { numResults: 40 }));

    // Act
    const state = started(await startRun({ input: { inputPath: GROUP_INPUT }, execution: executionRef('run-1') }, deps));

    // Assess
    expect(deps.bucket.reads).toEqual([`${DATA_BUCKET}/config/users.json`]);
    expect(deps.jobs.created[0]?.numResults).toBe(40);
    expect(state.run.jobGroup).toBe('users');
  });

  it('lets the run input win over the configuration file', async () => {
    // Prepare
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/users.json', { numResults: 40, filterArn: FILTER_ARN }));

    // Act
    await startRun({ input: { inputPath: GROUP_INPUT, numResults: 10 }, execution: executionRef('run-1') }, deps);

    // Assess
    expect(deps.jobs.created[0]).toMatchObject({ numResults: 10, filterArn: FILTER_ARN });
  });

  it('applies the theme rules to the merged input: mode from the file, theme config from the run', async () => {
    // Prepare
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/users.json', { batchInferenceJobMode: 'THEME_GENERATION' }));
    const themeGenerationConfig = { fieldsForThemeGeneration: { itemName: 'TITLE' } };

    // Act
    await startRun({ input: { inputPath: GROUP_INPUT, themeGenerationConfig }, execution: executionRef('run-1') }, deps);

    // Assess
    expect(deps.jobs.created[0]).toMatchObject({ batchInferenceJobMode: 'THEME_GENERATION', themeGenerationConfig });
  });

  it('applies the theme rules to the merged input: theme config from the file, mode from the run', async () => {
    // Prepare
    const themeGenerationConfig = { fieldsForThemeGeneration: { itemName: 'TITLE' } };
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/users.json', { themeGenerationConfig }));

    // Act
    await startRun({ input: { inputPath: GROUP_INPUT, batchInferenceJobMode: 'THEME_GENERATION' }, execution: executionRef('run-1') }, deps);

    // Assess
    expect(deps.jobs.created[0]).toMatchObject({ batchInferenceJobMode: 'THEME_GENERATION', themeGenerationConfig });
  });

  it('still refuses a theme configuration that neither the file nor the run completes', async () => {
    // Prepare
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/users.json', { batchInferenceJobMode: 'THEME_GENERATION' }));

    // Act
    const attempt = startRun({ input: { inputPath: GROUP_INPUT }, execution: executionRef('run-1') }, deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'InvalidRunInputError',
      issues: [{ field: 'themeGenerationConfig', message: 'is required when batchInferenceJobMode is THEME_GENERATION' }],
    });
    expect(deps.jobs.created).toEqual([]);
  });

  it.each([
    ['an implied folder group', { inputPath: GROUP_INPUT }, 'users'],
    ['the default group', { inputPath: INPUT_PATH }, 'default'],
    ['the default group named explicitly', { inputPath: GROUP_INPUT, jobGroup: 'default' }, 'default'],
  ])('uses the stage defaults for %s without a configuration file', async (_label, input, jobGroup) => {
    // Prepare
    const deps = dependencies();

    // Act
    const state = started(await startRun({ input, execution: executionRef('run-1') }, deps));

    // Assess
    expect(deps.bucket.reads).toEqual([`${DATA_BUCKET}/config/${jobGroup}.json`]);
    expect(deps.jobs.created[0]).toMatchObject({ numResults: 25, solutionVersionArn: SOLUTION_VERSION_ARN });
    expect(state.run.jobGroup).toBe(jobGroup);
  });

  it('refuses a job group named explicitly that has no configuration file, naming jobGroup and the file', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const attempt = startRun({ input: { inputPath: INPUT_PATH, jobGroup: 'nightly' }, execution: executionRef('run-1') }, deps);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidRunInputError);
    await expect(attempt).rejects.toMatchObject({
      issues: [{ field: 'jobGroup', message: expect.stringContaining(`s3://${DATA_BUCKET}/config/nightly.json`) }],
    });
    expect(deps.jobs.created).toEqual([]);
    expect(deps.bucket.copies).toEqual([]);
  });

  it('refuses a configuration file that is not JSON, naming the file', async () => {
    // Prepare
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/users.json', '{ "numResults": 40, }'));

    // Act
    const attempt = startRun({ input: { inputPath: GROUP_INPUT }, execution: executionRef('run-1') }, deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'InvalidRunInputError',
      issues: [{ field: `s3://${DATA_BUCKET}/config/users.json`, message: expect.stringMatching(/^is not valid JSON \(.+\)$/) }],
    });
    expect(deps.jobs.created).toEqual([]);
  });

  it('refuses an invalid field in the configuration file, prefixed with the file location', async () => {
    // Prepare
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/users.json', { numResults: 0, jobName: 'shared' }));

    // Act
    const attempt = startRun({ input: { inputPath: GROUP_INPUT }, execution: executionRef('run-1') }, deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'InvalidRunInputError',
      issues: expect.arrayContaining([
        { field: `s3://${DATA_BUCKET}/config/users.json: numResults`, message: 'must be at least 1' },
        { field: `s3://${DATA_BUCKET}/config/users.json: jobName`, message: 'is not a known field' },
      ]),
    });
    expect(deps.jobs.created).toEqual([]);
  });

  it('reads no configuration for an input in another bucket that names no group', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const state = started(await startRun({ input: { inputPath: 's3://partner-exports/input/users/users.jsonl' }, execution: executionRef('run-1') }, deps));

    // Assess
    expect(deps.bucket.reads).toEqual([]);
    expect(state.run.jobGroup).toBeUndefined();
  });
});

describe('startRun staging the input', () => {
  it('copies the uploaded version to the run’s staging folder and gives Personalize that folder', async () => {
    // Prepare
    const deps = dependencies();
    const source = { type: 's3', bucket: DATA_BUCKET, key: 'input/users.jsonl', versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko' };

    // Act
    const state = started(await startRun({ input: { inputPath: INPUT_PATH, source }, execution: executionRef('run-1') }, deps));

    // Assess
    expect(deps.bucket.copies).toEqual([
      {
        source: { bucket: DATA_BUCKET, key: 'input/users.jsonl', versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko' },
        destination: { bucket: DATA_BUCKET, key: 'staging/run-1/users.jsonl' },
      },
    ]);
    expect(deps.jobs.created[0]?.inputPath).toBe(stagedFolder('run-1'));
    expect(state.run).toMatchObject({
      inputPath: INPUT_PATH,
      jobInputPath: stagedFolder('run-1'),
      // Personalize names its output after the file it read, which has the original name.
      outputLocation: `${OUTPUT_BASE_URI}run-1/users.jsonl.out`,
    });
  });

  it('copies the current version when the source names another object', async () => {
    // Prepare
    const deps = dependencies();
    const source = { type: 's3', bucket: DATA_BUCKET, key: 'input/other.jsonl', versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko' };

    // Act
    await startRun({ input: { inputPath: INPUT_PATH, source }, execution: executionRef('run-1') }, deps);

    // Assess
    expect(deps.bucket.copies).toHaveLength(1);
    expect(deps.bucket.copies[0]?.source.versionId).toBeUndefined();
  });

  it.each([
    ['a folder in the data bucket', `s3://${DATA_BUCKET}/input/users/`],
    ['a file in another bucket', 's3://partner-exports/users.jsonl'],
  ])('reads %s in place, without a copy', async (_label, inputPath) => {
    // Prepare
    const deps = dependencies();

    // Act
    const state = started(await startRun({ input: { inputPath }, execution: executionRef('run-1') }, deps));

    // Assess
    expect(deps.bucket.copies).toEqual([]);
    expect(deps.jobs.created[0]?.inputPath).toBe(inputPath);
    expect(state.run.jobInputPath).toBe(inputPath);
  });

  it('adopts an existing job only when it reads the staged folder', async () => {
    // Prepare
    const jobs = new FakeBatchJobs();
    jobs.jobs.set(jobArnFor('run-1'), {
      jobArn: jobArnFor('run-1'),
      jobName: 'run-1',
      status: 'ACTIVE',
      solutionVersionArn: SOLUTION_VERSION_ARN,
      inputPath: stagedFolder('run-1'),
      outputPath: `${OUTPUT_BASE_URI}run-1/`,
    });

    // Act
    const state = started(await startRun({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, dependencies(jobs)));

    // Assess
    expect(state.run.adoptedExistingJob).toBe(true);
  });

  it('refuses to adopt a job that reads the unstaged file', async () => {
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
    const attempt = startRun({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, dependencies(jobs));

    // Assess
    await expect(attempt).rejects.toThrow(`inputPath is ${INPUT_PATH}, this run wants ${stagedFolder('run-1')}`);
  });
});

describe('startRun at Personalize’s job quota', () => {
  it('returns a capacity state on the first refusal', async () => {
    // Prepare
    const deps = dependencies();
    deps.jobs.createResult = busy();

    // Act
    const result = await startRun({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1'), previous: { request: { inputPath: INPUT_PATH } } }, deps);

    // Assess
    expect(result).toEqual({
      capacity: {
        waiting: true,
        attempts: 1,
        since: new Date(NOW).toISOString(),
        // 60 s first interval: 30 s fixed + 0.5 × 30 s jitter.
        waitSeconds: 45,
        lastRefusal: busy().message,
      },
    });
    expect(deps.bucket.copies).toHaveLength(1);
  });

  it('counts a later refusal, keeps the first refusal time and does not copy the input again', async () => {
    // Prepare
    const deps = dependencies();
    deps.jobs.createResult = busy();
    const request = { input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') };
    const first = waiting(await startRun(request, deps));

    // Act
    const second = waiting(await startRun({ ...request, previous: { capacity: first } }, { ...deps, now: () => NOW + 45_000 }));

    // Assess
    expect(second).toMatchObject({ attempts: 2, since: first.since });
    // 90 s second interval: 45 s fixed + 0.5 × 45 s jitter.
    expect(second.waitSeconds).toBe(68);
    expect(deps.jobs.created).toHaveLength(2);
    expect(deps.bucket.copies).toHaveLength(1);
  });

  it('gives up with CapacityWaitExceededError once the next wait would pass maxQueueSeconds', async () => {
    // Prepare
    const deps = { ...dependencies(), now: () => NOW + 590_000 };
    deps.jobs.createResult = busy();
    const previous = { capacity: { waiting: true, since: new Date(NOW).toISOString(), attempts: 4, waitSeconds: 120, lastRefusal: 'x' } };

    // Act
    const attempt = startRun({ input: { inputPath: INPUT_PATH, maxQueueSeconds: 600 }, execution: executionRef('run-1'), previous }, deps);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(CapacityWaitExceededError);
    await expect(attempt).rejects.toMatchObject({
      name: 'CapacityWaitExceededError',
      message: expect.stringMatching(/5 attempts over 590s .*maxQueueSeconds \(600s\)/),
    });
  });

  it('takes maxQueueSeconds from the job group’s configuration file', async () => {
    // Prepare
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/default.json', { maxQueueSeconds: 0 }));
    deps.jobs.createResult = busy();

    // Act
    const attempt = startRun({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'CapacityWaitExceededError', message: expect.stringContaining('maxQueueSeconds (0s)') });
  });

  it('records the wait on the run when a later attempt gets its job', async () => {
    // Prepare
    const deps = dependencies();
    const since = new Date(NOW - 300_000).toISOString();
    const previous = { capacity: { waiting: true, since, attempts: 3, waitSeconds: 100, lastRefusal: 'x' } };

    // Act
    const state = started(await startRun({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1'), previous }, deps));

    // Assess
    expect(state.run.capacityWait).toEqual({ attempts: 3, since, waitedSeconds: 300 });
    expect(deps.jobs.created[0]?.inputPath).toBe(stagedFolder('run-1'));
    expect(deps.bucket.copies).toEqual([]);
  });

  it('leaves capacityWait out of a run that never waited', async () => {
    // Act
    const state = started(await startRun({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1'), previous: { request: { inputPath: INPUT_PATH } } }, dependencies()));

    // Assess
    expect(state.run).not.toHaveProperty('capacityWait');
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

describe('startRun progress and staging errors', () => {
  /** Remembers the progress marks a start makes on the run's record. */
  class FakeProgress {
    readonly marks: Array<{ kind: string; entry: Record<string, unknown> }> = [];
    async jobStarted(entry: Record<string, unknown>): Promise<void> {
      this.marks.push({ kind: 'jobStarted', entry });
    }
    async waitingForCapacity(entry: Record<string, unknown>): Promise<void> {
      this.marks.push({ kind: 'waitingForCapacity', entry });
    }
  }

  it('marks the record RUNNING with the job it started', async () => {
    // Prepare
    const progress = new FakeProgress();
    const deps = { ...dependencies(), progress };

    // Act
    const state = started(await startRun({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-progress') }, deps));

    // Assess
    expect(progress.marks).toEqual([
      { kind: 'jobStarted', entry: { runId: 'run-progress', jobArn: state.run.jobArn, jobName: 'run-progress', jobCreatedAt: state.run.jobCreatedAt } },
    ]);
  });

  it('marks the record WAITING_FOR_CAPACITY with the attempts so far', async () => {
    // Prepare
    const progress = new FakeProgress();
    const jobs = new FakeBatchJobs();
    jobs.create = async () => {
      throw busy();
    };
    const deps = { ...dependencies(jobs), progress };

    // Act
    const capacity = waiting(await startRun({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-queued') }, deps));

    // Assess
    expect(progress.marks).toEqual([{ kind: 'waitingForCapacity', entry: { runId: 'run-queued', attempts: 1, since: capacity.since } }]);
  });

  it.each([
    ['NoSuchKey', `names ${INPUT_PATH}, which does not exist`],
    ['AccessDenied', 'which the start function may not read'],
  ])('reports a staging copy failing with %s as a problem with inputPath, and starts no job', async (errorName, message) => {
    // Prepare
    const bucket = new FakeDataBucket();
    bucket.copy = async () => {
      const error = new Error('S3 said no');
      error.name = errorName;
      throw error;
    };
    const deps = dependencies(new FakeBatchJobs(), bucket);

    // Act
    const attempt = startRun({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-missing') }, deps);

    // Assess
    await expect(attempt).rejects.toThrow(InvalidRunInputError);
    await expect(attempt).rejects.toThrow(message);
    expect(deps.jobs.created).toHaveLength(0);
  });

  it('lets other staging errors through for the state machine to retry or record', async () => {
    const bucket = new FakeDataBucket();
    bucket.copy = async () => {
      const error = new Error('slow down');
      error.name = 'SlowDown';
      throw error;
    };

    await expect(startRun({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-slow') }, dependencies(new FakeBatchJobs(), bucket))).rejects.toThrow(
      'slow down',
    );
  });
});
