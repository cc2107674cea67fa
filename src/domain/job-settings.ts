import { InvalidRunInputError, type InputIssue } from './errors';
import { jobTypeOrDefault, type JobType } from './job-type';
import { DEFAULT_MAX_ERROR_RATE } from './output-verification';
import { DEFAULT_POLLING_POLICY, type PollingPolicy } from './polling-policy';
import type { RunInput } from './run-input';
import { characterCount, PERSONALIZE_PATH_MAX_LENGTH, withTrailingSlash } from './s3-uri';

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
 * A fully resolved job request: what CreateBatchInferenceJob (or, for `jobType` `BATCH_SEGMENT`,
 * CreateBatchSegmentJob) receives (`inputPath` and `outputPath` become
 * `jobInput.s3DataSource.path` and `jobOutput.s3DataDestination.path`), plus the run's polling guards.
 */
export interface JobSettings {
  /**
   * Which job to create; always set by `resolveJobSettings`, optional only for settings queued
   * before the setting existed (read those as `BATCH_INFERENCE`, see `jobTypeOrDefault`).
   */
  jobType?: JobType | undefined;
  jobName: string;
  solutionVersionArn: string;
  roleArn: string;
  inputPath: string;
  outputPath: string;
  /**
   * The name of the one file in the staged folder `inputPath`, when the input was staged:
   * Personalize writes `<inputFileName>.out`. Usually the uploaded file's own name; shortened when
   * that name would push a staged or output key past S3's 1,024 bytes.
   */
  inputFileName?: string | undefined;
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
 *   neither the input nor the stage provides, and an output path longer than Personalize accepts
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
  const tooLong = outputPath && jobPathIssue('outputPath', outputPath, input.outputPath ? undefined : `<outputPath>${runId}/`);
  if (tooLong) issues.push(tooLong);
  if (issues.length > 0 || !solutionVersionArn || !roleArnValue || !outputPath) throw new InvalidRunInputError(issues);

  const polling: PollingPolicy = {
    ...DEFAULT_POLLING_POLICY,
    ...defaults.polling,
    ...(input.maxWaitSeconds !== undefined && { maxElapsedSeconds: input.maxWaitSeconds }),
    ...(input.maxPolls !== undefined && { maxPolls: input.maxPolls }),
  };
  return {
    jobType: jobTypeOrDefault(input.jobType),
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

/**
 * The issue for a path Personalize would refuse: a job's input and output paths are at most 256
 * characters (`S3DataConfig.path`). Undefined when `path` fits.
 *
 * @param field - the run input member the path comes from
 * @param derivedAs - how the path was built, when the run did not give it as is (`<outputPath><runId>/`)
 */
export function jobPathIssue(field: string, path: string, derivedAs?: string): InputIssue | undefined {
  const length = characterCount(path);
  if (length <= PERSONALIZE_PATH_MAX_LENGTH) return undefined;
  const built = derivedAs ? ` (built as ${derivedAs})` : '';
  return {
    field,
    message:
      `gives Personalize the path ${path}${built}, which is ${length} characters; Personalize accepts job paths of at most ` +
      `${PERSONALIZE_PATH_MAX_LENGTH}: choose a shorter ${field}`,
  };
}

/**
 * The issue for an output folder outside the stage's output location (`outputBaseUri`, e.g.
 * `s3://<data bucket>/output/`): the stack's roles let Personalize write, and verifyOutput read,
 * output only there (resources/iam.yml: PersonalizeServiceRole, VerifyOutputRole), so a run writing
 * elsewhere could never end SUCCEEDED on AWS. Undefined when `outputPath` is under it (or the stage
 * names none).
 */
export function outputOutsideStageIssue(outputPath: string, stageOutputBaseUri: string | undefined): InputIssue | undefined {
  if (stageOutputBaseUri === undefined) return undefined;
  const base = withTrailingSlash(stageOutputBaseUri);
  if (outputPath.startsWith(base)) return undefined;
  return { field: 'outputPath', message: `must be under ${base} (got ${outputPath}): the stack's roles write and verify output only there` };
}
