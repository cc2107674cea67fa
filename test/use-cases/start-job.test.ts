import { CapacityWaitExceededError, InvalidRunInputError, JobRejectedError, PersonalizeBusyError } from '../../src/domain/errors';
import { DEFAULT_POLLING_POLICY } from '../../src/domain/polling-policy';
import type { RunDefaults } from '../../src/domain/job-settings';
import { sha256Hex, type QueuedStart } from '../../src/domain/queued-start';
import { batchInferenceJobArn } from '../../src/use-cases/adopt-job';
import { startJob, type JobStarted, type StartJobDependencies, type StartJobResult } from '../../src/use-cases/start-job';
import {
  DATA_BUCKET,
  derivedJobName,
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
} from '../support/sample-run';
import { fakeSlotQueues } from '../support/fake-job-slots';

const NOW = Date.parse('2026-01-15T10:00:05.000Z');
const defaults: RunDefaults = { solutionVersionArn: SOLUTION_VERSION_ARN, roleArn: ROLE_ARN, outputBaseUri: OUTPUT_BASE_URI, numResults: 25 };

type TestDependencies = StartJobDependencies & { jobs: FakeBatchJobs; bucket: FakeDataBucket; queue: ReturnType<typeof fakeSlotQueues>['BATCH_INFERENCE'] };

function dependencies(jobs = new FakeBatchJobs(), bucket = new FakeDataBucket()): TestDependencies {
  const queues = fakeSlotQueues(5, () => NOW);
  return { jobs, bucket, defaults, layout: LAYOUT, configs: bucket, staging: bucket, now: () => NOW, queues, queue: queues.BATCH_INFERENCE };
}

/** The run state of a start that got its job; fails the test on a queued start. */
function started(result: StartJobResult): JobStarted {
  if (result.next !== 'POLL' && result.next !== 'WAIT_FOR_OUTPUT') throw new Error(`Expected the job to start, got ${JSON.stringify(result)}`);
  return result;
}

/** The queued state of a start Personalize refused, as Step Functions hands it back (JSON). */
function waiting(result: StartJobResult): QueuedStart {
  if (result.next !== 'WAIT_FOR_CAPACITY') throw new Error(`Expected a capacity wait, got ${JSON.stringify(result)}`);
  // Step Functions carries the state as JSON: undefined members do not survive.
  return JSON.parse(JSON.stringify(result.queued)) as QueuedStart;
}

const busy = () => new PersonalizeBusyError('Personalize is busy (LimitExceededException): The limit of 5 pending or in progress batch inference jobs has been reached');

describe('startJob', () => {
  it('creates the job under a name derived from the execution and hands the loop its first wait', async () => {
    // Prepare
    const deps = dependencies();
    const execution = executionRef('run-2026-01-15-users');
    const jobName = derivedJobName('run-2026-01-15-users');

    // Act
    const state = started(await startJob({ input: { inputPath: INPUT_PATH, source: { type: 'manual' } }, execution }, deps));

    // Assess
    expect(deps.jobs.created).toHaveLength(1);
    expect(jobName).toMatch(/^run-2026-01-15-users-[0-9a-f]{16}$/);
    expect(deps.jobs.created[0]).toMatchObject({
      jobName,
      solutionVersionArn: SOLUTION_VERSION_ARN,
      roleArn: ROLE_ARN,
      // Personalize reads the run's own staged copy, not the upload folder.
      inputPath: stagedFolder('run-2026-01-15-users'),
      outputPath: `${OUTPUT_BASE_URI}run-2026-01-15-users/`,
      numResults: 25,
    });
    expect(state).toEqual({
      next: 'POLL',
      run: {
        runId: 'run-2026-01-15-users',
        jobType: 'BATCH_INFERENCE',
        executionArn: execution.arn,
        executionStartTime: execution.startTime,
        jobName,
        jobArn: jobArnFor(jobName),
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
        maxErrorRate: 0.1,
        source: { type: 'manual' },
      },
      poll: { count: 0, status: null, terminal: false, timedOut: false, failureReason: null, waitSeconds: 600, elapsedSeconds: 0 },
    });
  });

  it('derives a valid job name from a run id Personalize would refuse', async () => {
    // Prepare
    const deps = dependencies();
    const runId = `upload-${'weekly-users-'.repeat(6)}0123456789abcdef`;

    // Act
    const state = started(await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef(runId) }, deps));

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
    const state = started(await startJob({ input: { inputPath: INPUT_PATH, jobName: 'my-own-job' }, execution: executionRef() }, deps));

    // Assess
    expect(deps.jobs.created[0]?.jobName).toBe('my-own-job');
    expect(state.run.jobArn).toBe(jobArnFor('my-own-job'));
  });

  it('starts the poll with the input’s polling guards', async () => {
    // Act
    const state = started(await startJob({ input: { inputPath: INPUT_PATH, maxWaitSeconds: 600, maxPolls: 7 }, execution: executionRef() }, dependencies()));

    // Assess
    expect(state.run.polling).toMatchObject({ maxElapsedSeconds: 600, maxPolls: 7 });
  });

  it('adopts the existing job when a retried start finds the name in use with the same request', async () => {
    // Prepare
    const deps = dependencies();
    const request = { input: { inputPath: INPUT_PATH }, execution: executionRef('run-retried') };
    const jobArn = jobArnFor(derivedJobName('run-retried'));
    await startJob(request, deps);
    deps.jobs.jobs.get(jobArn)!.status = 'IN PROGRESS';

    // Act
    const state = started(await startJob(request, { ...deps, now: () => NOW + 120_000 }));

    // Assess
    expect(deps.jobs.created).toHaveLength(2);
    expect(deps.jobs.described).toEqual([jobArn]);
    expect(state.run).toMatchObject({
      jobArn,
      adoptedExistingJob: true,
      // The guard counts from the job's own creation, not from the retry.
      jobCreatedAt: '2026-01-15T10:00:01.000Z',
    });
    expect(state.poll.count).toBe(0);
  });

  it('refuses invalid input before asking Personalize anything', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const attempt = startJob({ input: { inputPath: INPUT_PATH, numResults: 0 }, execution: executionRef() }, deps);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidRunInputError);
    expect(deps.jobs.created).toEqual([]);
  });

  it('refuses a run with no solution version anywhere before asking Personalize', async () => {
    // Prepare
    const deps = { ...dependencies(), defaults: { ...defaults, solutionVersionArn: undefined } };

    // Act
    const attempt = startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef() }, deps);

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
    const attempt = startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef() }, deps);

    // Assess
    await expect(attempt).rejects.toBe(rejected);
  });
});

describe('startJob with output events', () => {
  it.each([
    ['lands in the prefix the bucket notifies', 'output/', 'WAIT_FOR_OUTPUT', true],
    ['lands outside the prefix the bucket notifies', 'output/elsewhere/', 'POLL', false],
  ] as const)('makes the first wait a wait for the output when the output %s', async (_case, notifiedPrefix, next, awaitOutput) => {
    // Prepare
    const deps = { ...dependencies(), outputEvents: { bucket: DATA_BUCKET, prefix: notifiedPrefix } };

    // Act
    const result = await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, deps);

    // Assess: the first wait is still the policy's first check, now its safety poll.
    const state = started(result);
    expect(state.next).toBe(next);
    expect(state.poll.awaitOutput === true).toBe(awaitOutput);
    expect(state.poll.waitSeconds).toBe(600);
  });

  it.each([
    ['the run names', { outputPath: 's3://someone-elses-bucket/results/' }, undefined],
    ['the run\'s group file names', { jobGroup: 'users' }, { outputPath: `s3://${DATA_BUCKET}/results/users/` }],
  ] as const)('refuses output where %s it outside the stage\'s output location, before staging or creating anything: it could never be verified', async (_case, extra, groupFile) => {
    // Prepare
    const bucket = new FakeDataBucket();
    if (groupFile) bucket.withFile('config/users.json', groupFile);
    const deps = dependencies(new FakeBatchJobs(), bucket);

    // Act
    const attempt = startJob({ input: { inputPath: INPUT_PATH, ...extra }, execution: executionRef('run-1') }, deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'InvalidRunInputError',
      message: expect.stringContaining(`outputPath: must be under ${OUTPUT_BASE_URI}`),
    });
    expect(deps.jobs.created).toEqual([]);
    expect(deps.bucket.copies).toEqual([]);
  });
});

describe('startJob with job group configuration files', () => {
  const GROUP_INPUT = `s3://${DATA_BUCKET}/input/users/2026-01-15.jsonl`;

  it('loads the configuration of the job group the input names', async () => {
    // Prepare
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/nightly.json', { numResults: 50, filterArn: FILTER_ARN }));

    // Act
    const state = started(await startJob({ input: { inputPath: INPUT_PATH, jobGroup: 'nightly' }, execution: executionRef('run-1') }, deps));

    // Assess
    expect(deps.bucket.reads).toEqual([`${DATA_BUCKET}/config/nightly.json`]);
    expect(deps.jobs.created[0]).toMatchObject({ numResults: 50, filterArn: FILTER_ARN });
    expect(state.run).toMatchObject({ jobGroup: 'nightly', numResults: 50, filterArn: FILTER_ARN });
  });

  it.each(['my.group', 'bad group!', '-leading-dash'])('refuses an input in the folder %j, which cannot name a group, instead of ignoring its configuration', async (folder) => {
    // Prepare
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket());

    // Act
    const attempt = startJob({ input: { inputPath: `s3://${DATA_BUCKET}/input/${folder}/users.jsonl` }, execution: executionRef('run-1') }, deps);

    // Assess
    await expect(attempt).rejects.toThrow(`inputPath: is in the folder "${folder}", which cannot name a job group`);
    expect(deps.jobs.created).toEqual([]);
  });

  it('runs an input in such a folder when the run names its group itself', async () => {
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/users.json', { numResults: 40 }));

    const state = started(await startJob({ input: { inputPath: `s3://${DATA_BUCKET}/input/my.group/users.jsonl`, jobGroup: 'users' }, execution: executionRef('run-1') }, deps));

    expect(state.run.jobGroup).toBe('users');
    expect(deps.jobs.created[0]?.numResults).toBe(40);
  });

  it('loads the configuration of the job group the upload folder implies', async () => {
    // Prepare
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/users.json', { numResults: 40 }));

    // Act
    const state = started(await startJob({ input: { inputPath: GROUP_INPUT }, execution: executionRef('run-1') }, deps));

    // Assess
    expect(deps.bucket.reads).toEqual([`${DATA_BUCKET}/config/users.json`]);
    expect(deps.jobs.created[0]?.numResults).toBe(40);
    expect(state.run.jobGroup).toBe('users');
  });

  it('lets the run input win over the configuration file', async () => {
    // Prepare
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/users.json', { numResults: 40, filterArn: FILTER_ARN }));

    // Act
    await startJob({ input: { inputPath: GROUP_INPUT, numResults: 10 }, execution: executionRef('run-1') }, deps);

    // Assess
    expect(deps.jobs.created[0]).toMatchObject({ numResults: 10, filterArn: FILTER_ARN });
  });

  it('applies the theme rules to the merged input: mode from the file, theme config from the run', async () => {
    // Prepare
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/users.json', { batchInferenceJobMode: 'THEME_GENERATION' }));
    const themeGenerationConfig = { fieldsForThemeGeneration: { itemName: 'TITLE' } };

    // Act
    await startJob({ input: { inputPath: GROUP_INPUT, themeGenerationConfig }, execution: executionRef('run-1') }, deps);

    // Assess
    expect(deps.jobs.created[0]).toMatchObject({ batchInferenceJobMode: 'THEME_GENERATION', themeGenerationConfig });
  });

  it('applies the theme rules to the merged input: theme config from the file, mode from the run', async () => {
    // Prepare
    const themeGenerationConfig = { fieldsForThemeGeneration: { itemName: 'TITLE' } };
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/users.json', { themeGenerationConfig }));

    // Act
    await startJob({ input: { inputPath: GROUP_INPUT, batchInferenceJobMode: 'THEME_GENERATION' }, execution: executionRef('run-1') }, deps);

    // Assess
    expect(deps.jobs.created[0]).toMatchObject({ batchInferenceJobMode: 'THEME_GENERATION', themeGenerationConfig });
  });

  it('still refuses a theme configuration that neither the file nor the run completes', async () => {
    // Prepare
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/users.json', { batchInferenceJobMode: 'THEME_GENERATION' }));

    // Act
    const attempt = startJob({ input: { inputPath: GROUP_INPUT }, execution: executionRef('run-1') }, deps);

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
    const state = started(await startJob({ input, execution: executionRef('run-1') }, deps));

    // Assess
    expect(deps.bucket.reads).toEqual([`${DATA_BUCKET}/config/${jobGroup}.json`]);
    expect(deps.jobs.created[0]).toMatchObject({ numResults: 25, solutionVersionArn: SOLUTION_VERSION_ARN });
    expect(state.run.jobGroup).toBe(jobGroup);
  });

  it('refuses a job group named explicitly that has no configuration file, naming jobGroup and the file', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const attempt = startJob({ input: { inputPath: INPUT_PATH, jobGroup: 'nightly' }, execution: executionRef('run-1') }, deps);

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
    const attempt = startJob({ input: { inputPath: GROUP_INPUT }, execution: executionRef('run-1') }, deps);

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
    const attempt = startJob({ input: { inputPath: GROUP_INPUT }, execution: executionRef('run-1') }, deps);

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

  it('refuses a queue from the file and a watch from the run that together outlast the state machine, before staging or asking Personalize', async () => {
    // Prepare
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/users.json', { maxQueueSeconds: 432_000 }));

    // Act
    const attempt = startJob({ input: { inputPath: GROUP_INPUT, maxWaitSeconds: 86_401 }, execution: executionRef('run-1') }, deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'InvalidRunInputError', issues: [expect.objectContaining({ field: 'maxWaitSeconds' })] });
    expect(deps.bucket.copies).toEqual([]);
    expect(deps.jobs.created).toEqual([]);
  });

  it('reads no configuration for an input in another bucket that names no group', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    const state = started(await startJob({ input: { inputPath: 's3://partner-exports/input/users/users.jsonl' }, execution: executionRef('run-1') }, deps));

    // Assess
    expect(deps.bucket.reads).toEqual([]);
    expect(state.run.jobGroup).toBeUndefined();
  });
});

describe('startJob staging the input', () => {
  it('copies the uploaded version to the run’s staging folder and gives Personalize that folder', async () => {
    // Prepare
    const deps = dependencies();
    const source = { type: 's3', bucket: DATA_BUCKET, key: 'input/users.jsonl', versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko' };

    // Act
    const state = started(await startJob({ input: { inputPath: INPUT_PATH, source }, execution: executionRef('run-1') }, deps));

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
    await startJob({ input: { inputPath: INPUT_PATH, source }, execution: executionRef('run-1') }, deps);

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
    const state = started(await startJob({ input: { inputPath }, execution: executionRef('run-1') }, deps));

    // Assess
    expect(deps.bucket.copies).toEqual([]);
    expect(deps.jobs.created[0]?.inputPath).toBe(inputPath);
    expect(state.run.jobInputPath).toBe(inputPath);
  });
});

describe('startJob at Personalize’s job quota', () => {
  it('returns WAIT_FOR_CAPACITY with the queued state and the resolved start on the first refusal', async () => {
    // Prepare
    const deps = dependencies();
    deps.jobs.createResult = busy();

    // Act: the first attempt, as "Receive run request" hands it over (`queued` null).
    const result = await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1'), queued: null }, deps);

    // Assess
    expect(result).toEqual({
      next: 'WAIT_FOR_CAPACITY',
      queued: {
        attempts: 1,
        since: new Date(NOW).toISOString(),
        // "Wait for a job slot" may wait the whole maxQueueSeconds (6 h by default).
        waitSeconds: 21_600,
        lastRefusal: busy().message,
        jobName: derivedJobName('run-1'),
        jobType: 'BATCH_INFERENCE',
        priority: 5,
        // A reference to the resolved start, not a copy: the state stays small.
        resolved: { uri: `s3://${DATA_BUCKET}/staging/run-1.start.json`, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      },
    });
    // The slot it took for the refused job is given back: it waits at the head of the queue.
    expect(deps.queue.slots.held.size).toBe(0);
    expect(deps.bucket.copies).toHaveLength(1);
    expect(deps.bucket.writes).toEqual([`${DATA_BUCKET}/staging/run-1.start.json`]);
    expect(JSON.parse(deps.bucket.files.get(`${DATA_BUCKET}/staging/run-1.start.json`) ?? '{}')).toEqual({
      input: { inputPath: INPUT_PATH, jobGroup: 'default' },
      settings: expect.objectContaining({
        jobName: derivedJobName('run-1'),
        solutionVersionArn: SOLUTION_VERSION_ARN,
        roleArn: ROLE_ARN,
        // The staged folder: the next attempt does not stage again.
        inputPath: stagedFolder('run-1'),
        outputPath: `${OUTPUT_BASE_URI}run-1/`,
        numResults: 25,
        polling: { ...DEFAULT_POLLING_POLICY },
      }),
    });
  });

  it('counts a later refusal, keeps the first refusal time and neither reads the configuration nor copies the input again', async () => {
    // Prepare
    const deps = dependencies();
    deps.jobs.createResult = busy();
    const request = { input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') };
    const first = waiting(await startJob(request, deps));

    // Act
    const second = waiting(await startJob({ ...request, queued: first }, { ...deps, now: () => NOW + 45_000 }));

    // Assess
    expect(second).toMatchObject({ attempts: 2, since: first.since });
    // What is left of maxQueueSeconds since the first queueing.
    expect(second.waitSeconds).toBe(21_555);
    expect(second.resolved).toEqual(first.resolved);
    expect(deps.jobs.created).toHaveLength(2);
    expect(deps.jobs.created[1]).toEqual(deps.jobs.created[0]);
    expect(deps.bucket.copies).toHaveLength(1);
    expect(deps.bucket.writes).toHaveLength(1);
    // The configuration once, then the resolved start it kept.
    expect(deps.bucket.reads).toEqual([`${DATA_BUCKET}/config/default.json`, `${DATA_BUCKET}/staging/run-1.start.json`]);
  });

  it('starts the queued run with the settings it resolved first, even when the configuration file changed meanwhile', async () => {
    // Prepare
    const bucket = new FakeDataBucket().withFile('config/default.json', { numResults: 40, filterArn: FILTER_ARN });
    const deps = dependencies(new FakeBatchJobs(), bucket);
    deps.jobs.createResult = busy();
    const request = { input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') };
    const first = waiting(await startJob(request, deps));
    bucket.withFile('config/default.json', { numResults: 99, solutionVersionArn: OTHER_SOLUTION_VERSION_ARN, outputPath: `s3://${DATA_BUCKET}/elsewhere/` });
    deps.jobs.createResult = undefined;

    // Act
    const state = started(await startJob({ ...request, queued: first }, { ...deps, now: () => NOW + 45_000 }));

    // Assess
    expect(deps.bucket.reads).toEqual([`${DATA_BUCKET}/config/default.json`, `${DATA_BUCKET}/staging/run-1.start.json`]);
    expect(deps.bucket.copies).toHaveLength(1);
    expect(deps.jobs.created[1]).toMatchObject({
      jobName: derivedJobName('run-1'),
      solutionVersionArn: SOLUTION_VERSION_ARN,
      inputPath: stagedFolder('run-1'),
      outputPath: `${OUTPUT_BASE_URI}run-1/`,
      numResults: 40,
      filterArn: FILTER_ARN,
    });
    expect(state.run).toMatchObject({
      numResults: 40,
      filterArn: FILTER_ARN,
      inputPath: INPUT_PATH,
      jobInputPath: stagedFolder('run-1'),
      outputLocation: `${OUTPUT_BASE_URI}run-1/users.jsonl.out`,
      capacityWait: { attempts: 1, since: first.since, waitedSeconds: 45 },
    });
  });

  it('creates the job from the resolved start the queued state names, not from the input resolved again', async () => {
    // Prepare: settings no resolution of this input could produce, kept where the state says.
    const deps = dependencies();
    const resolved = {
      input: { inputPath: INPUT_PATH, jobGroup: 'default', maxQueueSeconds: 3600 },
      settings: {
        jobName: 'carried-job-name',
        solutionVersionArn: SOLUTION_VERSION_ARN,
        roleArn: ROLE_ARN,
        inputPath: stagedFolder('run-1'),
        outputPath: `s3://${DATA_BUCKET}/carried/`,
        numResults: 7,
        polling: { ...DEFAULT_POLLING_POLICY, maxPolls: 3 },
      },
    };
    const text = JSON.stringify(resolved);
    deps.bucket.withFile('staging/run-1.start.json', text);
    const queued: QueuedStart = {
      since: new Date(NOW - 60_000).toISOString(),
      attempts: 1,
      waitSeconds: 45,
      lastRefusal: 'x',
      resolved: { uri: `s3://${DATA_BUCKET}/staging/run-1.start.json`, sha256: sha256Hex(text) },
    };

    // Act
    const state = started(await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1'), queued }, deps));

    // Assess
    expect(deps.jobs.created).toEqual([resolved.settings]);
    expect(deps.bucket.reads).toEqual([`${DATA_BUCKET}/staging/run-1.start.json`]);
    expect(deps.bucket.copies).toEqual([]);
    expect(state.run).toMatchObject({ jobName: 'carried-job-name', numResults: 7, outputPath: `s3://${DATA_BUCKET}/carried/`, polling: { maxPolls: 3 } });
  });

  it.each([
    ['is gone', (bucket: FakeDataBucket) => bucket.files.delete(`${DATA_BUCKET}/staging/run-1.start.json`), 'are gone from'],
    ['was changed', (bucket: FakeDataBucket) => bucket.withFile('staging/run-1.start.json', { input: { inputPath: INPUT_PATH }, settings: {} }), 'were changed at'],
  ])('fails the queued run clearly when the resolved start it names %s', async (_name, tamper, message) => {
    // Prepare
    const deps = dependencies();
    deps.jobs.createResult = busy();
    const first = waiting(await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, deps));
    tamper(deps.bucket);

    // Act
    const attempt = startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1'), queued: first }, deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ConfigurationError', message: expect.stringContaining(message) });
  });

  it('keeps only the first 1,000 characters of a refusal message on the queued state', async () => {
    // Prepare
    const deps = dependencies();
    deps.jobs.createResult = new PersonalizeBusyError(`Personalize is busy: ${'x'.repeat(5000)}`);

    // Act
    const queued = waiting(await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, deps));

    // Assess
    expect(queued.lastRefusal).toHaveLength(1000);
  });

  it('takes maxQueueSeconds from the queued input on a later refusal', async () => {
    // Prepare
    const deps = { ...dependencies(), now: () => NOW + 600_000 };
    deps.jobs.createResult = busy();
    const first = waiting(
      await startJob({ input: { inputPath: INPUT_PATH, maxQueueSeconds: 600 }, execution: executionRef('run-1') }, { ...deps, now: () => NOW }),
    );
    const queued = { ...first, attempts: 4 };

    // Act: the execution input names no maxQueueSeconds; only the queued input does.
    const attempt = startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1'), queued }, deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'CapacityWaitExceededError', message: expect.stringContaining('(maxQueueSeconds 600)') });
    expect(deps.bucket.copies).toHaveLength(1);
  });

  it('gives up with CapacityWaitExceededError once maxQueueSeconds has passed, naming its queue position and the last refusal', async () => {
    // Prepare
    const deps = { ...dependencies(), now: () => NOW + 600_000 };
    deps.jobs.createResult = busy();
    const input = { inputPath: INPUT_PATH, maxQueueSeconds: 600 };
    const first = waiting(await startJob({ input, execution: executionRef('run-1') }, { ...deps, now: () => NOW }));
    const queued = { ...first, since: new Date(NOW).toISOString(), attempts: 4, waitSeconds: 120 };

    // Act
    const attempt = startJob({ input, execution: executionRef('run-1'), queued }, deps);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(CapacityWaitExceededError);
    await expect(attempt).rejects.toMatchObject({
      name: 'CapacityWaitExceededError',
      message: expect.stringMatching(/^Still 1st in the queue for a Personalize job slot after 600 s \(maxQueueSeconds 600\).*Last refusal: Personalize is busy/),
    });
    expect(deps.queue.slots.held.size).toBe(0);
  });

  it('takes maxQueueSeconds from the job group’s configuration file', async () => {
    // Prepare
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/default.json', { maxQueueSeconds: 0 }));
    deps.jobs.createResult = busy();

    // Act
    const attempt = startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'CapacityWaitExceededError', message: expect.stringContaining('(maxQueueSeconds 0)') });
  });

  it('records the wait on the run when a later attempt gets its job', async () => {
    // Prepare
    const deps = dependencies();
    deps.jobs.createResult = busy();
    const first = waiting(await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, deps));
    deps.jobs.createResult = undefined;
    const since = new Date(NOW - 300_000).toISOString();
    const queued = { ...first, since, attempts: 3 };

    // Act
    const state = started(await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1'), queued }, deps));

    // Assess
    expect(state.run.capacityWait).toEqual({ attempts: 3, since, waitedSeconds: 300 });
    expect(deps.jobs.created[1]?.inputPath).toBe(stagedFolder('run-1'));
    expect(deps.bucket.copies).toHaveLength(1);
  });

  it.each([
    ['names no resolved start', (first: QueuedStart) => ({ since: first.since, attempts: 3, waitSeconds: 100, lastRefusal: 'x' })],
    ['has attempts that are not a number', (first: QueuedStart) => ({ ...first, attempts: '3' })],
    ['names a resolved start without its hash', (first: QueuedStart) => ({ ...first, resolved: { uri: first.resolved.uri } })],
    ['is not an object', () => 'queued'],
  ])('treats a queued state that %s as a first attempt, resolving and staging the input again', async (_name, corrupt) => {
    // Prepare: a queued state the start step could not have written.
    const deps = dependencies();
    deps.jobs.createResult = busy();
    const first = waiting(await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, deps));
    deps.jobs.createResult = undefined;

    // Act
    const state = started(await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1'), queued: corrupt(first) }, deps));

    // Assess
    expect(state.run).not.toHaveProperty('capacityWait');
    expect(deps.jobs.created[1]).toMatchObject({ jobName: derivedJobName('run-1'), inputPath: stagedFolder('run-1') });
    expect(deps.bucket.reads).toHaveLength(2);
    expect(deps.bucket.copies).toHaveLength(2);
  });

  it('leaves capacityWait out of a run that never waited', async () => {
    // Act
    const state = started(await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1'), queued: null }, dependencies()));

    // Assess
    expect(state.run).not.toHaveProperty('capacityWait');
    expect(state.next).toBe('POLL');
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

describe('startJob progress and staging errors', () => {
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

  /** A runs table that refuses every write, as a throttled or misconfigured one would. */
  class FailingProgress {
    readonly attempts: string[] = [];
    async jobStarted(): Promise<void> {
      this.attempts.push('jobStarted');
      throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ThrottlingException' });
    }
    async waitingForCapacity(): Promise<void> {
      this.attempts.push('waitingForCapacity');
      throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ThrottlingException' });
    }
  }

  /** Collects what `warn` receives. */
  function warnings() {
    const calls: Array<{ message: string; details: Record<string, unknown> }> = [];
    return { calls, warn: (message: string, details: Record<string, unknown>) => void calls.push({ message, details }) };
  }

  it('marks the record RUNNING with the job it started', async () => {
    // Prepare
    const progress = new FakeProgress();
    const deps = { ...dependencies(), progress };

    // Act
    const state = started(await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-progress') }, deps));

    // Assess
    expect(progress.marks).toEqual([
      {
        kind: 'jobStarted',
        entry: {
          runId: 'run-progress',
          jobArn: state.run.jobArn,
          jobName: derivedJobName('run-progress'),
          jobCreatedAt: state.run.jobCreatedAt,
          jobType: 'BATCH_INFERENCE',
          // In flight, the run is listed with its group and the execution's start.
          jobGroup: 'default',
          startedAt: state.run.executionStartTime,
        },
      },
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
    const capacity = waiting(await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-queued') }, deps));

    // Assess
    expect(progress.marks).toEqual([{ kind: 'waitingForCapacity', entry: { runId: 'run-queued', attempts: 1, since: capacity.since, jobGroup: 'default', startedAt: executionRef('run-queued').startTime } }]);
  });

  it('still hands back the started run when the RUNNING mark fails, and warns', async () => {
    // Prepare
    const progress = new FailingProgress();
    const { calls, warn } = warnings();
    const deps = { ...dependencies(), progress, warn };

    // Act
    const state = started(await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, deps));

    // Assess
    expect(progress.attempts).toEqual(['jobStarted']);
    expect(deps.jobs.created).toHaveLength(1);
    expect(state.run).toMatchObject({ runId: 'run-1', jobArn: jobArnFor(derivedJobName('run-1')), adoptedExistingJob: false });
    expect(calls).toEqual([
      { message: expect.any(String), details: { error: expect.stringContaining('ThrottlingException: Rate of requests exceeds the allowed throughput') } },
    ]);
  });

  it('still hands back the capacity state when the WAITING_FOR_CAPACITY mark fails, and warns', async () => {
    // Prepare
    const progress = new FailingProgress();
    const { calls, warn } = warnings();
    const deps = { ...dependencies(), progress, warn };
    deps.jobs.createResult = busy();

    // Act
    const result = await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, deps);

    // Assess
    expect(waiting(result)).toMatchObject({ attempts: 1, waitSeconds: 21_600 });
    expect(progress.attempts).toEqual(['waitingForCapacity']);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.details.error).toContain('ThrottlingException');
  });

  it('still hands back the started run when a failing progress write has nowhere to warn', async () => {
    // Prepare
    const deps = { ...dependencies(), progress: new FailingProgress() };

    // Act
    const result = await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, deps);

    // Assess
    expect(started(result).run.jobName).toBe(derivedJobName('run-1'));
  });

  it('does not warn when the progress writes succeed', async () => {
    // Prepare
    const { calls, warn } = warnings();
    const deps = { ...dependencies(), progress: new FakeProgress(), warn };

    // Act
    await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, deps);

    // Assess
    expect(calls).toEqual([]);
  });

  it.each([['NoSuchKey'], ['NotFound'], ['NoSuchVersion']])(
    'reports a staging copy failing with %s as an inputPath that does not exist, and starts no job',
    async (errorName) => {
      // Prepare
      const bucket = new FakeDataBucket();
      bucket.copy = async () => {
        throw Object.assign(new Error('S3 said no'), { name: errorName });
      };
      const deps = dependencies(new FakeBatchJobs(), bucket);

      // Act
      const attempt = startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-missing') }, deps);

      // Assess
      await expect(attempt).rejects.toThrow(InvalidRunInputError);
      await expect(attempt).rejects.toMatchObject({ issues: [{ field: 'inputPath', message: `names ${INPUT_PATH}, which does not exist` }] });
      expect(deps.jobs.created).toHaveLength(0);
    },
  );

  it.each([['AccessDenied'], ['Forbidden'], ['KMS.DisabledException'], ['SlowDown'], ['InternalError']])(
    'lets a staging copy failing with %s through under its own name, saying which copy failed, and starts no job',
    async (errorName) => {
      // Prepare
      const bucket = new FakeDataBucket();
      bucket.copy = async () => {
        throw Object.assign(new Error('S3 said no'), { name: errorName });
      };
      const deps = dependencies(new FakeBatchJobs(), bucket);

      // Act
      const attempt = startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-denied') }, deps);

      // Assess
      const error = await attempt.then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(InvalidRunInputError);
      expect(error).toMatchObject({
        name: errorName,
        message: `Staging ${INPUT_PATH} to s3://${DATA_BUCKET}/staging/run-denied/users.jsonl failed: S3 said no`,
      });
      expect(deps.jobs.created).toHaveLength(0);
    },
  );
});

describe('startJob with a job group’s outputPath', () => {
  const GROUP_INPUT = `s3://${DATA_BUCKET}/input/users/2026-01-15.jsonl`;
  const GROUP_OUTPUT = `${OUTPUT_BASE_URI}users/`;

  it('writes each run of the group to a folder of its own under the group’s outputPath', async () => {
    // Prepare
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/users.json', { outputPath: GROUP_OUTPUT }));

    // Act
    const first = started(await startJob({ input: { inputPath: GROUP_INPUT }, execution: executionRef('run-1') }, deps));
    const second = started(await startJob({ input: { inputPath: GROUP_INPUT }, execution: executionRef('run-2') }, deps));

    // Assess
    expect(deps.jobs.created.map((job) => job.outputPath)).toEqual([`${GROUP_OUTPUT}run-1/`, `${GROUP_OUTPUT}run-2/`]);
    expect(first.run).toMatchObject({ outputPath: `${GROUP_OUTPUT}run-1/`, outputLocation: `${GROUP_OUTPUT}run-1/2026-01-15.jsonl.out` });
    expect(second.run.outputLocation).toBe(`${GROUP_OUTPUT}run-2/2026-01-15.jsonl.out`);
  });

  it('uses the outputPath the run’s own input gives exactly, over the group’s', async () => {
    // Prepare
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/users.json', { outputPath: GROUP_OUTPUT }));
    const outputPath = `${OUTPUT_BASE_URI}manual/exact/`;

    // Act
    const state = started(await startJob({ input: { inputPath: GROUP_INPUT, outputPath }, execution: executionRef('run-1') }, deps));

    // Assess
    expect(deps.jobs.created[0]?.outputPath).toBe(outputPath);
    expect(state.run).toMatchObject({ outputPath, outputLocation: `${outputPath}2026-01-15.jsonl.out` });
  });

  it('uses the stage’s output base for a group whose file names no outputPath', async () => {
    // Prepare
    const deps = dependencies(new FakeBatchJobs(), new FakeDataBucket().withFile('config/users.json', { numResults: 40 }));

    // Act
    const state = started(await startJob({ input: { inputPath: GROUP_INPUT }, execution: executionRef('run-1') }, deps));

    // Assess
    expect(state.run.outputPath).toBe(`${OUTPUT_BASE_URI}run-1/`);
  });

  it('does not carry one group’s outputPath over to a run of another group', async () => {
    // Prepare
    const bucket = new FakeDataBucket().withFile('config/users.json', { outputPath: GROUP_OUTPUT });
    const deps = dependencies(new FakeBatchJobs(), bucket);
    await startJob({ input: { inputPath: GROUP_INPUT }, execution: executionRef('run-1') }, deps);

    // Act
    const state = started(await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-2') }, deps));

    // Assess
    expect(state.run.outputPath).toBe(`${OUTPUT_BASE_URI}run-2/`);
    expect(deps.defaults.outputBaseUri).toBe(OUTPUT_BASE_URI);
  });
});

describe('startJob admission to a job slot', () => {
  const holder = (runId: string) => ({ runId, executionArn: `arn:${runId}`, jobName: `job-${runId}`, since: new Date(NOW).toISOString() });

  it('takes a free slot before it creates the job', async () => {
    // Prepare
    const deps = dependencies();

    // Act
    await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, deps);

    // Assess
    expect([...deps.queue.slots.held.keys()]).toEqual(['run-1']);
    expect(deps.queue.slots.held.get('run-1')?.jobName).toBe(derivedJobName('run-1'));
    expect(deps.jobs.created).toHaveLength(1);
  });

  it('queues without calling Personalize when every slot is held', async () => {
    // Prepare
    const deps = dependencies();
    deps.queue.maxConcurrentJobs = 2;
    for (const runId of ['a', 'b']) deps.queue.slots.held.set(runId, holder(runId));

    // Act
    const queued = waiting(await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, deps));

    // Assess
    expect(deps.jobs.created).toHaveLength(0);
    expect(queued).toMatchObject({ attempts: 1, lastRefusal: '', waitSeconds: 21_600, jobName: derivedJobName('run-1') });
  });

  it('counts the jobs Personalize runs for someone else against the slots', async () => {
    // Prepare
    const deps = dependencies();
    deps.queue.maxConcurrentJobs = 2;
    deps.queue.slots.held.set('a', holder('a'));
    deps.queue.activeJobs.names = ['job-a', 'started-in-the-console'];

    // Act
    const result = await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, deps);

    // Assess
    expect(result.next).toBe('WAIT_FOR_CAPACITY');
    expect(deps.jobs.created).toHaveLength(0);
  });

  it('does not jump the queue: a slot free while others wait ahead goes to them', async () => {
    // Prepare
    const deps = dependencies();
    await deps.queue.slots.enqueue({ ...holder('early'), priority: 5, sortKey: `4#2026-01-15T09:00:00.000Z#early`, taskToken: 'token-early' });

    // Act
    const queued = waiting(await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, deps));

    // Assess
    expect(queued.attempts).toBe(1);
    expect(deps.jobs.created).toHaveLength(0);
    expect(deps.queue.slots.held.size).toBe(0);
  });

  it('serves a higher priority ahead of earlier waiters', async () => {
    // Prepare
    const deps = dependencies();
    await deps.queue.slots.enqueue({ ...holder('early'), priority: 5, sortKey: `4#2026-01-15T09:00:00.000Z#early`, taskToken: 'token-early' });

    // Act
    const state = started(await startJob({ input: { inputPath: INPUT_PATH, priority: 9 }, execution: executionRef('run-1') }, deps));

    // Assess
    expect(state.run.jobName).toBe(derivedJobName('run-1'));
    expect([...deps.queue.slots.held.keys()]).toEqual(['run-1']);
  });

  it('creates the job of a woken run, which holds the slot handed to it, and leaves the queue', async () => {
    // Prepare
    const deps = dependencies();
    deps.jobs.createResult = busy();
    const first = waiting(await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1') }, deps));
    deps.jobs.createResult = undefined;
    deps.queue.maxConcurrentJobs = 1;
    deps.queue.slots.held.set('run-1', holder('run-1'));
    await deps.queue.slots.enqueue({ ...holder('run-1'), priority: 5, sortKey: `4#${first.since}#run-1`, taskToken: 'token-1' });

    // Act
    const state = started(await startJob({ input: { inputPath: INPUT_PATH }, execution: executionRef('run-1'), queued: first }, { ...deps, now: () => NOW + 60_000 }));

    // Assess
    expect(state.run.capacityWait).toEqual({ attempts: 1, since: first.since, waitedSeconds: 60 });
    expect(deps.queue.slots.queue.size).toBe(0);
  });
});
