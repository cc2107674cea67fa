import { StartExecutionCommand, StopExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { startLocalEnvironment, type LocalEnvironment } from '../../src/local/local-environment';
import { DEFAULT_CATALOG, type StandInRecipe } from '../../src/local/personalize';
import { entersPollingWait, jsonLines, readS3Text, runManually, sfnClientFor, withLocalEnvironment } from '../support/local-run';

const FAST_JOBS = { pendingMs: 60_000, inProgressMs: 120_000 };
const versionOf = (recipe: StandInRecipe) => DEFAULT_CATALOG.solutionVersions.find((version) => version.recipe === recipe)!.arn;
const ITEM_AFFINITY_SV = versionOf('ITEM_AFFINITY');
const ATTRIBUTE_AFFINITY_SV = versionOf('ITEM_ATTRIBUTE_AFFINITY');
const USER_SV = versionOf('USER_PERSONALIZATION');
const ITEMS = '{"itemId":"item-001"}\n{"itemId":"item-002"}\n{"itemId":"item-003"}\n';
const ITEM_ID_ERROR = 'Invalid input record: ITEM_AFFINITY solution versions need an "itemId" string of 1 to 256 characters';

/** Batch segment runs end to end: the real ASL, handlers and SDK clients against the stand-ins. */
describe('batch segment runs (jobType BATCH_SEGMENT)', () => {
  let environment: LocalEnvironment;
  let sfn: SFNClient;

  beforeAll(async () => {
    environment = await startLocalEnvironment({ jobDurations: FAST_JOBS });
    sfn = sfnClientFor(environment);
    await environment.upload('config/segments.json', JSON.stringify({ jobType: 'BATCH_SEGMENT', solutionVersionArn: ITEM_AFFINITY_SV, numResults: 4 }));
  });

  afterAll(async () => {
    sfn.destroy();
    await environment.close();
  });

  async function uploadAndWait(key: string, body: string) {
    await environment.upload(key, body);
    const [summary] = (await environment.triggersSettled()).slice(-1);
    const started = summary?.started[0];
    if (!started) throw new Error(`the upload started no run: ${JSON.stringify(summary)}`);
    const execution = await environment.stepFunctions.waitForExecution(started.executionArn);
    await environment.closedExecutionsSettled();
    return { started, execution, record: await environment.getRunRecord(started.executionName) };
  }

  it('goes from an upload to its segment group to a verified record, and publishes "Batch Segment Run Succeeded"', async () => {
    // Act
    const { started, execution, record } = await uploadAndWait('input/segments/items.jsonl', ITEMS);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(record).toMatchObject({
      status: 'SUCCEEDED',
      jobType: 'BATCH_SEGMENT',
      jobGroup: 'segments',
      jobStatus: 'ACTIVE',
      solutionVersionArn: ITEM_AFFINITY_SV,
      numResults: 4,
      outputFiles: 1,
      records: 3,
      errorRecords: 0,
      emptyRecords: 0,
      inputRecords: 3,
    });
    expect(record?.jobArn).toMatch(/^arn:aws:personalize:us-east-1:123456789012:batch-segment-job\//);
    const lines = jsonLines(await readS3Text(environment, record?.outputLocation ?? '')) as Array<{ input: unknown; output: { recommendedUsers: string[] }; error: null }>;
    expect(lines.map((line) => line.input)).toEqual([{ itemId: 'item-001' }, { itemId: 'item-002' }, { itemId: 'item-003' }]);
    expect(lines.map((line) => line.output.recommendedUsers.length)).toEqual([4, 4, 4]);
    expect(environment.personalize.jobs().find((job) => job.jobArn === record?.jobArn)?.jobType).toBe('BATCH_SEGMENT');
    const events = environment.publishedEvents().filter((event) => (event.detail as { runId?: string }).runId === started.executionName);
    expect(events).toEqual([
      expect.objectContaining({
        'detail-type': 'Batch Segment Run Succeeded',
        resources: [started.executionArn, record?.jobArn],
        detail: expect.objectContaining({ jobType: 'BATCH_SEGMENT', status: 'SUCCEEDED', records: 3, outputLocation: record?.outputLocation }),
      }),
    ]);
  });

  it('starts by hand with jobType in the run input (Item-Attribute-Affinity)', async () => {
    // Prepare
    await environment.upload('manual/attributes.jsonl', '{"itemAttributes":"ITEMS.genres = \\"Comedy\\""}\n{"itemAttributes":"ITEMS.genres = \\"Drama\\" AND ITEMS.price = \\"low\\""}\n');

    // Act
    const input = { inputPath: `s3://${environment.bucket}/manual/attributes.jsonl`, jobType: 'BATCH_SEGMENT', solutionVersionArn: ATTRIBUTE_AFFINITY_SV, numResults: 2 };
    const execution = await runManually(environment, sfn, 'manual-segment', input);
    const record = await environment.getRunRecord('manual-segment');

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(record).toMatchObject({ status: 'SUCCEEDED', jobType: 'BATCH_SEGMENT', records: 2, errorRecords: 0 });
    const lines = jsonLines(await readS3Text(environment, record?.outputLocation ?? '')) as Array<{ output: { recommendedUsers: string[] } }>;
    expect(lines.map((line) => line.output.recommendedUsers.length)).toEqual([2, 2]);
  });

  it('fails a segment run on a solution version that is not user segmentation, naming the recipe', async () => {
    // Prepare
    await environment.upload('manual/items.jsonl', ITEMS);

    // Act
    const input = { inputPath: `s3://${environment.bucket}/manual/items.jsonl`, jobType: 'BATCH_SEGMENT', solutionVersionArn: USER_SV };
    const execution = await runManually(environment, sfn, 'segment-wrong-recipe', input);
    const record = await environment.getRunRecord('segment-wrong-recipe');

    // Assess
    expect(record).toMatchObject({ status: 'FAILED', jobType: 'BATCH_SEGMENT', jobStatus: 'CREATE FAILED', errorType: 'BatchSegmentJobFailed' });
    expect(record?.failureReason).toBe(
      `A batch segment job requires a solution version trained with a USER_SEGMENTATION recipe (aws-item-affinity or aws-item-attribute-affinity); ${USER_SV} uses aws-user-personalization.`,
    );
    expect(execution).toMatchObject({ status: 'FAILED', error: 'BatchSegmentJobFailed', cause: record?.failureReason });
  });

  it('fails an upload of user lines to the segment group: every record failed, with Personalize\'s line error', async () => {
    // Act
    const { execution, record } = await uploadAndWait('input/segments/users.jsonl', '{"userId":"user-001"}\n{"userId":"user-002"}\n');

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'OutputRejected' });
    expect(record).toMatchObject({
      status: 'FAILED',
      jobType: 'BATCH_SEGMENT',
      errorType: 'OutputRejected',
      failureReason: `2 of 2 records failed: ${ITEM_ID_ERROR}`,
      records: 2,
      errorRecords: 2,
    });
  });

  it('refuses batch inference settings on a segment run before any job is created', async () => {
    // Act
    const jobsBefore = environment.personalize.jobs().length;
    const input = {
      inputPath: `s3://${environment.bucket}/manual/items.jsonl`,
      jobGroup: 'segments',
      batchInferenceJobMode: 'THEME_GENERATION',
      themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'title' } },
    };
    const execution = await runManually(environment, sfn, 'segment-with-themes', input);
    const record = await environment.getRunRecord('segment-with-themes');

    // Assess
    const reason = (field: string) =>
      `${field}: is a batch inference setting, and CreateBatchSegmentJob has no such member (jobType is BATCH_SEGMENT); remove it, or set jobType BATCH_INFERENCE`;
    expect(record).toMatchObject({
      status: 'FAILED',
      errorType: 'InvalidRunInputError',
      failureReason: `Invalid run input: ${reason('batchInferenceJobMode')}; ${reason('themeGenerationConfig')}`,
    });
    expect(execution.status).toBe('FAILED');
    expect(environment.personalize.jobs()).toHaveLength(jobsBefore);
  });
});

describe('capacity per job type', () => {
  it('starts a segment job at once while the batch inference quota is full', async () => {
    await withLocalEnvironment({ jobDurations: FAST_JOBS, maxConcurrentJobs: 1 }, async (environment, sfn) => {
      // Prepare: one inference run holds the only batch inference slot.
      await environment.upload('manual/users.jsonl', '{"userId":"user-001"}\n');
      await environment.upload('manual/items.jsonl', ITEMS);
      const start = (name: string, input: Record<string, unknown>) =>
        sfn.send(new StartExecutionCommand({ stateMachineArn: environment.stateMachineArn, name, input: JSON.stringify(input) }));
      const inference = await start('inference-holds-slot', { inputPath: `s3://${environment.bucket}/manual/users.jsonl` });
      for (let tries = 0; environment.personalize.jobs().length === 0; tries++) {
        if (tries > 500) throw new Error('the inference run created no job');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // In flight (either status holds the slot; the virtual clock may already have moved it on).
      expect(environment.personalize.jobs()).toEqual([expect.objectContaining({ jobType: 'BATCH_INFERENCE', status: expect.stringMatching(/^CREATE (PENDING|IN_PROGRESS)$/) })]);

      // Act
      const segment = await runManually(environment, sfn, 'segment-beside', {
        inputPath: `s3://${environment.bucket}/manual/items.jsonl`,
        jobType: 'BATCH_SEGMENT',
        solutionVersionArn: ITEM_AFFINITY_SV,
      });
      await environment.stepFunctions.waitForExecution(inference.executionArn!);

      // Assess
      const record = await environment.getRunRecord('segment-beside');
      expect(segment.status).toBe('SUCCEEDED');
      expect(record?.capacityAttempts).toBeUndefined();
      expect((await environment.getRunRecord('inference-holds-slot'))?.status).toBe('SUCCEEDED');
    });
  });
});

describe('a segment run stopped by hand', () => {
  it('is recorded ABORTED with its jobType, and published as "Batch Segment Run Aborted"', async () => {
    await withLocalEnvironment({ time: 'virtual', realMsPerWait: 300, jobDurations: { pendingMs: 600_000, inProgressMs: 600_000 } }, async (environment, sfn) => {
      // Prepare: a segment run that reaches its polling loop.
      await environment.upload('manual/items.jsonl', ITEMS);
      const inWait = new Promise<void>((resolve) => {
        environment.stepFunctions.onHistoryEvent((_arn, event) => {
          if (entersPollingWait(event)) resolve();
        });
      });
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: environment.stateMachineArn,
          name: 'stop-segment',
          input: JSON.stringify({ inputPath: `s3://${environment.bucket}/manual/items.jsonl`, jobType: 'BATCH_SEGMENT', solutionVersionArn: ITEM_AFFINITY_SV }),
        }),
      );
      await inWait;

      // Act
      await sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator.Stop', cause: 'stopped by a test' }));
      await environment.stepFunctions.waitForExecution(executionArn!);
      await environment.closedExecutionsSettled();

      // Assess
      const record = await environment.getRunRecord('stop-segment');
      expect(record).toMatchObject({ status: 'ABORTED', jobType: 'BATCH_SEGMENT', jobArn: expect.stringContaining(':batch-segment-job/') });
      expect(environment.publishedEvents()).toEqual([
        expect.objectContaining({ 'detail-type': 'Batch Segment Run Aborted', detail: expect.objectContaining({ runId: 'stop-segment', jobType: 'BATCH_SEGMENT' }) }),
      ]);
    });
  });
});
