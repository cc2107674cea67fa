import { InvalidRunInputError, type InputIssue } from './errors';
import { DEFAULT_MAX_ERROR_RATE } from './output-verification';
import { DEFAULT_POLLING_POLICY, type PollingPolicy } from './polling-policy';
import type { RunInput } from './run-input';
import { withTrailingSlash } from './s3-uri';

/** Stage-level defaults (serverless.yml parameters, passed to the start function as environment). */
export interface RunDefaults {
  solutionVersionArn?: string | undefined;
  roleArn?: string | undefined;
  /** `s3://bucket/prefix/`: each run writes under `<outputBaseUri><runId>/` unless it names `outputPath`. */
  outputBaseUri?: string | undefined;
  numResults?: number | undefined;
  polling?: Partial<PollingPolicy> | undefined;
}

/**
 * A fully resolved job request: what CreateBatchInferenceJob receives (`inputPath` and `outputPath`
 * become `jobInput.s3DataSource.path` and `jobOutput.s3DataDestination.path`), plus the run's
 * polling guards.
 */
export interface JobSettings {
  jobName: string;
  solutionVersionArn: string;
  roleArn: string;
  inputPath: string;
  outputPath: string;
  numResults?: number | undefined;
  filterArn?: string | undefined;
  batchInferenceJobConfig?: RunInput['batchInferenceJobConfig'];
  batchInferenceJobMode?: RunInput['batchInferenceJobMode'];
  themeGenerationConfig?: RunInput['themeGenerationConfig'];
  inputKmsKeyArn?: string | undefined;
  outputKmsKeyArn?: string | undefined;
  tags?: Array<{ tagKey: string; tagValue: string }> | undefined;
  polling: PollingPolicy;
  /**
   * Share of error records (0 to 1) the output may hold and the run still succeed; resolved to
   * `DEFAULT_MAX_ERROR_RATE` here, optional only for settings queued before the setting existed.
   */
  maxErrorRate?: number | undefined;
}

/**
 * Merges a parsed run input over the stage defaults. The job name defaults to one derived from the
 * run id, which makes the start step idempotent (see `jobNameForRun`); the output path defaults to
 * `<outputBaseUri><runId>/`, a folder no other run writes to.
 *
 * @param input - the run input, already merged with its job group's configuration
 * @param defaultJobName - the job name to use when the input names none
 * @throws InvalidRunInputError naming each of `solutionVersionArn`, `roleArn` and `outputPath` that
 *   neither the input nor the stage provides
 */
export function resolveJobSettings(input: RunInput, defaults: RunDefaults, runId: string, defaultJobName: string): JobSettings {
  const issues: InputIssue[] = [];
  const solutionVersionArn = input.solutionVersionArn ?? defaults.solutionVersionArn;
  const roleArnValue = input.roleArn ?? defaults.roleArn;
  if (!solutionVersionArn) {
    issues.push({ field: 'solutionVersionArn', message: 'is required: the input has none and no stage default is configured' });
  }
  if (!roleArnValue) {
    issues.push({ field: 'roleArn', message: 'is required: the input has none and no stage default is configured' });
  }
  const outputPath = input.outputPath ?? (defaults.outputBaseUri ? `${withTrailingSlash(defaults.outputBaseUri)}${runId}/` : undefined);
  if (!outputPath) {
    issues.push({ field: 'outputPath', message: 'is required: the input has none and no stage output location is configured' });
  }
  if (issues.length > 0 || !solutionVersionArn || !roleArnValue || !outputPath) throw new InvalidRunInputError(issues);

  const polling: PollingPolicy = {
    ...DEFAULT_POLLING_POLICY,
    ...defaults.polling,
    ...(input.maxWaitSeconds !== undefined && { maxElapsedSeconds: input.maxWaitSeconds }),
    ...(input.maxPolls !== undefined && { maxPolls: input.maxPolls }),
  };
  return {
    jobName: input.jobName ?? defaultJobName,
    solutionVersionArn,
    roleArn: roleArnValue,
    inputPath: input.inputPath,
    outputPath,
    numResults: input.numResults ?? defaults.numResults,
    filterArn: input.filterArn,
    batchInferenceJobConfig: input.batchInferenceJobConfig,
    batchInferenceJobMode: input.batchInferenceJobMode,
    themeGenerationConfig: input.themeGenerationConfig,
    inputKmsKeyArn: input.inputKmsKeyArn,
    outputKmsKeyArn: input.outputKmsKeyArn,
    tags: input.tags,
    polling,
    maxErrorRate: input.maxErrorRate ?? DEFAULT_MAX_ERROR_RATE,
  };
}
