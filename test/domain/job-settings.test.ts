import { DEFAULT_MAX_ERROR_RATE } from '../../src/domain/output-verification';
import { InvalidRunInputError, type InputIssue } from '../../src/domain/errors';
import { resolveJobSettings, type RunDefaults } from '../../src/domain/job-settings';
import { DEFAULT_POLLING_POLICY } from '../../src/domain/polling-policy';
import { parseRunInput, type RunInput } from '../../src/domain/run-input';
import {
  FILTER_ARN,
  FULL_RUN_INPUT,
  INPUT_PATH,
  KMS_KEY_ARN,
  OUTPUT_BASE_URI,
  ROLE_ARN,
  SOLUTION_VERSION_ARN,
} from '../support/sample-run';

const minimal = { inputPath: INPUT_PATH };

function resolveIssuesOf(run: () => unknown): InputIssue[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRunInputError);
    return (error as InvalidRunInputError).issues;
  }
  throw new Error('resolveJobSettings accepted the input');
}

describe('resolveJobSettings', () => {
  const defaults: RunDefaults = {
    solutionVersionArn: SOLUTION_VERSION_ARN,
    roleArn: ROLE_ARN,
    outputBaseUri: OUTPUT_BASE_URI,
    numResults: 25,
  };
  const input = (raw: Record<string, unknown> = {}): RunInput => parseRunInput({ ...minimal, ...raw });

  it('fills a minimal input from the stage defaults', () => {
    // Act
    const settings = resolveJobSettings(input(), defaults, 'run-1', 'run-1-job');

    // Assess
    expect(settings).toEqual({
      jobType: 'BATCH_INFERENCE',
      jobName: 'run-1-job',
      solutionVersionArn: SOLUTION_VERSION_ARN,
      roleArn: ROLE_ARN,
      inputPath: INPUT_PATH,
      outputPath: `${OUTPUT_BASE_URI}run-1/`,
      numResults: 25,
      filterArn: undefined,
      batchInferenceJobConfig: undefined,
      batchInferenceJobMode: undefined,
      themeGenerationConfig: undefined,
      inputKmsKeyArn: undefined,
      outputKmsKeyArn: undefined,
      tags: undefined,
      polling: { ...DEFAULT_POLLING_POLICY },
      maxErrorRate: DEFAULT_MAX_ERROR_RATE,
    });
  });

  it('carries the run\'s maxErrorRate, 0 included', () => {
    expect(resolveJobSettings({ ...input(), maxErrorRate: 0 }, defaults, 'run-1', 'job').maxErrorRate).toBe(0);
    expect(resolveJobSettings({ ...input(), maxErrorRate: 0.5 }, defaults, 'run-1', 'job').maxErrorRate).toBe(0.5);
  });

  it('adds the missing slash to an output base without one', () => {
    // Act
    const settings = resolveJobSettings(input(), { ...defaults, outputBaseUri: 's3://bucket-1/output' }, 'run-1', 'job');

    // Assess
    expect(settings.outputPath).toBe('s3://bucket-1/output/run-1/');
  });

  it('lets the input override every default', () => {
    // Prepare
    const overrides = {
      solutionVersionArn: 'arn:aws:personalize:eu-west-1:210987654321:solution/other/abc',
      roleArn: 'arn:aws:iam::210987654321:role/Other',
      outputPath: 's3://other-bucket/results/',
      numResults: 5,
      jobName: 'my-job',
    };

    // Act
    const settings = resolveJobSettings(input(overrides), defaults, 'run-1', 'run-1-job');

    // Assess
    expect(settings).toMatchObject(overrides);
  });

  it('passes every optional member through', () => {
    // Act
    const settings = resolveJobSettings(parseRunInput(structuredClone(FULL_RUN_INPUT)), defaults, 'run-1', 'ignored');

    // Assess
    expect(settings).toMatchObject({
      filterArn: FILTER_ARN,
      batchInferenceJobConfig: FULL_RUN_INPUT.batchInferenceJobConfig,
      batchInferenceJobMode: 'THEME_GENERATION',
      themeGenerationConfig: FULL_RUN_INPUT.themeGenerationConfig,
      inputKmsKeyArn: KMS_KEY_ARN,
      outputKmsKeyArn: KMS_KEY_ARN,
      tags: FULL_RUN_INPUT.tags,
    });
  });

  it('names solutionVersionArn, roleArn and outputPath when all are missing', () => {
    // Act
    const issues = resolveIssuesOf(() => resolveJobSettings(input(), {}, 'run-1', 'job'));

    // Assess
    expect(issues.map((issue) => issue.field)).toEqual(['solutionVersionArn', 'roleArn', 'outputPath']);
    for (const issue of issues) expect(issue.message).toMatch(/^is required: the input has none and no stage/);
  });

  it.each([
    ['solutionVersionArn', { ...defaults, solutionVersionArn: undefined }],
    ['roleArn', { ...defaults, roleArn: undefined }],
    ['outputPath', { ...defaults, outputBaseUri: undefined }],
    ['outputPath', { ...defaults, outputBaseUri: '' }],
  ])('names only %s when that alone is missing', (field, partialDefaults) => {
    // Act
    const issues = resolveIssuesOf(() => resolveJobSettings(input(), partialDefaults, 'run-1', 'job'));

    // Assess
    expect(issues.map((issue) => issue.field)).toEqual([field]);
  });

  it('takes polling settings from the stage and maxWaitSeconds/maxPolls from the input', () => {
    // Prepare
    const stagePolling = { ...defaults, polling: { firstWaitSeconds: 30, maxIntervalSeconds: 120, maxPolls: 500 } };

    // Act
    const stageOnly = resolveJobSettings(input(), stagePolling, 'run-1', 'job');
    const withInput = resolveJobSettings(input({ maxWaitSeconds: 3600, maxPolls: 40 }), stagePolling, 'run-1', 'job');

    // Assess
    expect(stageOnly.polling).toEqual({ ...DEFAULT_POLLING_POLICY, firstWaitSeconds: 30, maxIntervalSeconds: 120, maxPolls: 500 });
    expect(withInput.polling).toEqual({
      ...DEFAULT_POLLING_POLICY,
      firstWaitSeconds: 30,
      maxIntervalSeconds: 120,
      maxElapsedSeconds: 3600,
      maxPolls: 40,
    });
  });

  it('does not change the shared default policy', () => {
    // Act
    resolveJobSettings(input({ maxWaitSeconds: 60, maxPolls: 1 }), defaults, 'run-1', 'job');

    // Assess
    expect(DEFAULT_POLLING_POLICY).toMatchObject({ maxElapsedSeconds: 86_400, maxPolls: 2000 });
  });
});
