import { JobRejectedError } from '../../src/domain/errors';
import { DEFAULT_POLLING_POLICY } from '../../src/domain/polling-policy';
import type { JobSettings } from '../../src/domain/job-settings';
import { adoptExistingJob, createdSince } from '../../src/use-cases/adopt-job';
import type { BatchJobDescription } from '../../src/use-cases/ports';
import { FakeBatchJobs, FILTER_ARN, jobArnFor, KMS_KEY_ARN, OTHER_SOLUTION_VERSION_ARN, OUTPUT_BASE_URI, ROLE_ARN, SOLUTION_VERSION_ARN, stagedFolder } from '../support/sample-run';

const STARTED = '2026-01-15T10:00:00.000Z';
const ASKED: JobSettings = {
  jobName: 'weekly-users',
  solutionVersionArn: SOLUTION_VERSION_ARN,
  roleArn: ROLE_ARN,
  inputPath: stagedFolder('run-1'),
  outputPath: `${OUTPUT_BASE_URI}fixed/`,
  numResults: 25,
  polling: { ...DEFAULT_POLLING_POLICY },
};

/** Personalize's description of a job created with `ASKED` at `createdAt`, with `overrides`. */
function jobsWith(createdAt: string | undefined, overrides: Partial<BatchJobDescription> = {}): FakeBatchJobs {
  const jobs = new FakeBatchJobs();
  jobs.jobs.set(jobArnFor(ASKED.jobName), {
    jobArn: jobArnFor(ASKED.jobName),
    jobName: ASKED.jobName,
    status: 'ACTIVE',
    solutionVersionArn: ASKED.solutionVersionArn,
    roleArn: ASKED.roleArn,
    inputPath: ASKED.inputPath,
    outputPath: ASKED.outputPath,
    numResults: 25,
    batchInferenceJobMode: 'BATCH_INFERENCE',
    createdAt: createdAt === undefined ? undefined : new Date(createdAt),
    ...overrides,
  });
  return jobs;
}

const userChosen = { userChoseName: true, executionStartTime: STARTED };

describe('adoptExistingJob', () => {
  it('adopts the job a retried start finds, created a second after the execution started with this run’s request', async () => {
    // Act
    const adopted = await adoptExistingJob(jobsWith('2026-01-15T10:00:01.000Z'), ASKED, userChosen);

    // Assess
    expect(adopted).toEqual({ jobArn: jobArnFor(ASKED.jobName), jobCreatedAt: new Date('2026-01-15T10:00:01.000Z'), settings: ASKED });
  });

  it('refuses a week-old job of the same name and the same request, naming the jobName and how to choose another', async () => {
    // Act
    const attempt = adoptExistingJob(jobsWith('2026-01-08T10:00:00.000Z'), ASKED, userChosen);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(JobRejectedError);
    await expect(attempt).rejects.toMatchObject({
      personalizeErrorType: 'ResourceAlreadyExistsException',
      message:
        'Job name weekly-users is already used by a batch inference job created at 2026-01-08T10:00:00.000Z, before this run started at ' +
        `${STARTED}; this run did not start that job and will not report it. Job names can never be reused: omit jobName to get a name ` +
        'derived from the run (unique to each execution), or give this run another jobName.',
    });
  });

  it('refuses a job created a few milliseconds before the execution started: no execution creates its job before it starts', async () => {
    await expect(adoptExistingJob(jobsWith('2026-01-15T09:59:59.997Z'), ASKED, userChosen)).rejects.toThrow('before this run started');
  });

  it('compares a creation time given in whole seconds at that resolution: a job created within the first second is this run’s', async () => {
    // Prepare: the execution started 400 ms into the second Personalize reports without fractions.
    const context = { userChoseName: true, executionStartTime: '2026-01-15T10:00:00.400Z' };

    // Act & Assess
    await expect(adoptExistingJob(jobsWith('2026-01-15T10:00:00.000Z'), ASKED, context)).resolves.toMatchObject({ jobArn: jobArnFor(ASKED.jobName) });
    expect(createdSince(new Date('2026-01-15T10:00:00.399Z'), '2026-01-15T10:00:00.400Z')).toBe(false);
    expect(createdSince(new Date('2026-01-15T09:59:59.000Z'), '2026-01-15T10:00:00.400Z')).toBe(false);
  });

  it('refuses a job whose creation time Personalize did not report: nothing proves it is this run’s', async () => {
    await expect(adoptExistingJob(jobsWith(undefined), ASKED, userChosen)).rejects.toThrow('whose creation time Personalize did not report');
  });

  it.each<[string, Partial<BatchJobDescription>, string]>([
    ['solutionVersionArn', { solutionVersionArn: OTHER_SOLUTION_VERSION_ARN }, `solutionVersionArn is ${OTHER_SOLUTION_VERSION_ARN}, this run wants ${SOLUTION_VERSION_ARN}`],
    ['inputPath', { inputPath: 's3://personalize-batch-dev-data/input/users/' }, 'inputPath is s3://personalize-batch-dev-data/input/users/'],
    ['outputPath', { outputPath: undefined }, `outputPath is unset, this run wants ${OUTPUT_BASE_URI}fixed/`],
    ['roleArn', { roleArn: 'arn:aws:iam::123456789012:role/Other' }, 'roleArn is arn:aws:iam::123456789012:role/Other'],
    ['numResults', { numResults: 50 }, 'numResults is 50, this run wants 25'],
    ['filterArn', { filterArn: FILTER_ARN }, `filterArn is ${FILTER_ARN}, this run wants unset`],
    ['outputKmsKeyArn', { outputKmsKeyArn: KMS_KEY_ARN }, 'outputKmsKeyArn is'],
    ['batchInferenceJobMode', { batchInferenceJobMode: 'THEME_GENERATION' }, 'batchInferenceJobMode is THEME_GENERATION, this run wants BATCH_INFERENCE'],
    ['batchInferenceJobConfig', { batchInferenceJobConfig: { itemExplorationConfig: { explorationWeight: '0.9' } } }, 'batchInferenceJobConfig is {"itemExplorationConfig"'],
    ['themeGenerationConfig', { themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'TITLE' } } }, 'themeGenerationConfig is'],
  ])('refuses a job of the same name created after the start with another %s, naming the difference', async (_field, difference, message) => {
    // Act
    const attempt = adoptExistingJob(jobsWith('2026-01-15T10:00:01.000Z', difference), ASKED, userChosen);

    // Assess
    await expect(attempt).rejects.toThrow('Job name weekly-users is already used by a different batch inference job (');
    await expect(attempt).rejects.toThrow(message);
  });

  it('accepts the numResults Personalize filled in when the request left it unset, and members given in another order', async () => {
    // Prepare
    const asked = { ...ASKED, numResults: undefined, batchInferenceJobConfig: { itemExplorationConfig: { a: '1', b: '2' } } };
    const jobs = jobsWith('2026-01-15T10:00:01.000Z', { numResults: 25, batchInferenceJobConfig: { itemExplorationConfig: { b: '2', a: '1' } } });

    // Act & Assess
    await expect(adoptExistingJob(jobs, asked, userChosen)).resolves.toMatchObject({ jobArn: jobArnFor(ASKED.jobName) });
  });

  it('applies the same proof to a derived name, and says how to get a new one', async () => {
    // Act
    const attempt = adoptExistingJob(jobsWith('2026-01-08T10:00:00.000Z'), ASKED, { userChoseName: false, executionStartTime: STARTED });

    // Assess
    await expect(attempt).rejects.toThrow('this name was derived from the execution, so the job was not created by it; start the run again');
  });
});
