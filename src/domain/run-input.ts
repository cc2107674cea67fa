// zod/mini: the same validation core at ~15 KB instead of ~450 KB in every bundle that imports it.
import * as z from 'zod/mini';
import { InvalidRunInputError, type InputIssue } from './errors';
import { describeSchemaIssues } from './schema-issues';
import { DEFAULT_CAPACITY_POLICY, MAX_QUEUE_SECONDS_LIMIT } from './capacity-policy';
import { DEFAULT_POLLING_POLICY, MAX_ELAPSED_SECONDS_LIMIT, MAX_POLLS_LIMIT, type PollingPolicy } from './polling-policy';

/*
 * Patterns from Personalize's service model (see aws-facts.md). Checking them here, before calling
 * Personalize, lets a bad run fail with the field named in the user's own terms.
 */
const PERSONALIZE_ARN = /^arn:([a-z\d-]+):personalize:.*:.*:.+$/;
const ROLE_ARN = /^arn:([a-z\d-]+):iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const KMS_KEY_ARN = /^arn:aws.*:kms:.*:[0-9]{12}:key\/.*$/;
const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.*)$/;

const personalizeArn = (what: string) =>
  z
    .string()
    .check(
      z.maxLength(256, 'must be at most 256 characters'),
      z.regex(PERSONALIZE_ARN, `must be a Personalize ${what} ARN (arn:<partition>:personalize:<region>:<account>:...)`),
    );

const roleArn = z
  .string()
  .check(
    z.maxLength(256, 'must be at most 256 characters'),
    z.regex(ROLE_ARN, 'must be an IAM role ARN (arn:<partition>:iam::<12-digit account>:role/<name>)'),
  );

const kmsKeyArn = z
  .string()
  .check(
    z.maxLength(2048, 'must be at most 2048 characters'),
    z.regex(KMS_KEY_ARN, 'must be a KMS key ARN (arn:aws:kms:<region>:<12-digit account>:key/<id>)'),
  );

const s3UriChecks = [
  z.maxLength(256, 'must be at most 256 characters (Personalize limit)'),
  z.regex(/^s3:\/\/[^/]+\/.*$/, { error: 'must be an S3 URI: s3://<bucket>/<key>', abort: true }),
  z.regex(S3_URI, 'must name a valid bucket: 3-63 lowercase letters, digits, "." and "-"'),
];

const s3Uri = z.string().check(...s3UriChecks);

const s3Folder = z.string().check(
  ...s3UriChecks,
  z.refine((value) => value.endsWith('/'), 'must be a folder: an S3 URI ending with "/"'),
);

const text = (min: number, max: number) =>
  z.string().check(...(min > 0 ? [z.minLength(min, 'must not be empty')] : []), z.maxLength(max, `must be at most ${max} characters`));

const wholeNumber = (message: string, min: number, minMessage: string, max?: number, maxMessage?: string) =>
  z.number().check(
    z.refine((value) => Number.isInteger(value), { error: message, abort: true }),
    z.gte(min, minMessage),
    ...(max === undefined ? [] : [z.lte(max, maxMessage ?? `must be at most ${max}`)]),
  );

const tag = z.strictObject({
  tagKey: text(1, 128),
  tagValue: text(0, 256),
});

const jobGroupName = z
  .string()
  .check(z.regex(/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/, 'must be 1-63 letters, digits, "-" or "_", starting with a letter or digit'));

/** Job settings a run can take from a job group's configuration file or from its own input. */
const jobSettingsFields = {
  outputPath: z.optional(s3Folder),
  solutionVersionArn: z.optional(personalizeArn('solution version')),
  roleArn: z.optional(roleArn),
  numResults: z.optional(wholeNumber('must be a whole number', 1, 'must be at least 1')),
  filterArn: z.optional(personalizeArn('filter')),
  batchInferenceJobConfig: z.optional(
    z.strictObject({
      itemExplorationConfig: z.optional(
        z
          .record(
            z.string().check(z.maxLength(256, 'keys must be at most 256 characters')),
            z.string().check(z.maxLength(1000, 'values must be at most 1000 characters')),
          )
          .check(z.refine((map) => Object.keys(map).length <= 100, 'must have at most 100 entries')),
      ),
      rankingInfluence: z.optional(z.record(z.string(), z.number())),
    }),
  ),
  batchInferenceJobMode: z.optional(z.enum(['BATCH_INFERENCE', 'THEME_GENERATION'], 'must be BATCH_INFERENCE or THEME_GENERATION')),
  themeGenerationConfig: z.optional(
    z.strictObject({
      fieldsForThemeGeneration: z.strictObject({ itemName: text(1, 150) }),
    }),
  ),
  inputKmsKeyArn: z.optional(kmsKeyArn),
  outputKmsKeyArn: z.optional(kmsKeyArn),
  tags: z.optional(z.array(tag).check(z.maxLength(200, 'must have at most 200 tags'))),
  maxWaitSeconds: z.optional(
    wholeNumber(
      'must be a whole number of seconds',
      60,
      'must be at least 60',
      MAX_ELAPSED_SECONDS_LIMIT,
      `must be at most ${MAX_ELAPSED_SECONDS_LIMIT} (6 days, under the state machine's 7-day timeout)`,
    ),
  ),
  maxPolls: z.optional(
    wholeNumber('must be a whole number', 1, 'must be at least 1', MAX_POLLS_LIMIT, `must be at most ${MAX_POLLS_LIMIT} (keeps the execution under 25,000 history events)`),
  ),
  maxQueueSeconds: z.optional(
    wholeNumber('must be a whole number of seconds', 0, 'must be at least 0', MAX_QUEUE_SECONDS_LIMIT, `must be at most ${MAX_QUEUE_SECONDS_LIMIT} (5 days)`),
  ),
};

/**
 * A job group's configuration file (`config/<group>.json` in the data bucket): the job settings
 * every run of the group shares. A job name is per run, so it has no place here.
 */
export const JobGroupConfigSchema = z.strictObject(jobSettingsFields);
export type JobGroupConfig = z.infer<typeof JobGroupConfigSchema>;

/**
 * The execution input: what a console user pastes into "Start execution", what the CLI sends and
 * what the triggers build. Every member but `inputPath` is optional; the job group's configuration
 * file and the stage defaults fill the rest, in that order.
 */
export const RunInputSchema = z.strictObject({
  inputPath: s3Uri,
  jobGroup: z.optional(jobGroupName),
  jobName: z.optional(
    z
      .string()
      .check(
        z.minLength(1, 'must not be empty'),
        z.maxLength(63, 'must be at most 63 characters'),
        z.regex(/^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/, 'must start with a letter or digit and contain only letters, digits, "-" and "_"'),
      ),
  ),
  ...jobSettingsFields,
  /** Where the run came from; set by the triggers, free-form for manual starts. */
  source: z.optional(z.record(z.string(), z.unknown())),
});

export type RunInput = z.infer<typeof RunInputSchema>;

/** Stage-level defaults (serverless.yml parameters, passed to the start function as environment). */
export interface RunDefaults {
  solutionVersionArn?: string | undefined;
  roleArn?: string | undefined;
  /** `s3://bucket/prefix/`: each run writes under `<outputBaseUri><runId>/` unless it names `outputPath`. */
  outputBaseUri?: string | undefined;
  numResults?: number | undefined;
  polling?: Partial<PollingPolicy> | undefined;
}

/** A fully resolved job request: what CreateBatchInferenceJob receives, plus the run's guards. */
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
}

/** Parses raw execution input, turning every problem into one readable issue per field. */
export function parseRunInput(raw: unknown): RunInput {
  const input = parseRunInputFields(raw);
  const issues = crossFieldIssues(input);
  if (issues.length > 0) throw new InvalidRunInputError(issues);
  return input;
}

/**
 * Checks each field of the execution input but not the rules across fields, which hold for the
 * input once merged with its job group's configuration (see `mergeRunInput`).
 */
export function parseRunInputFields(raw: unknown): RunInput {
  return parseWith(RunInputSchema, raw, 'execution input', '');
}

/**
 * Parses a job group's configuration file. Issues name the file, so a user can tell a problem in
 * the shared configuration from one in their own input.
 */
export function parseJobGroupConfig(raw: unknown, location: string): JobGroupConfig {
  return parseWith(JobGroupConfigSchema, raw, `configuration file ${location}`, `${location}: `);
}

/**
 * The run's own input over its job group's configuration: any member the input names wins. The
 * cross-field rules are checked on the merged result, since one half may come from each.
 */
export function mergeRunInput(config: JobGroupConfig, input: RunInput): RunInput {
  const merged = { ...config, ...stripUndefined(input) } as RunInput;
  const issues = crossFieldIssues(merged);
  if (issues.length > 0) throw new InvalidRunInputError(issues);
  return merged;
}

function parseWith<T>(schema: z.ZodMiniType<T>, raw: unknown, what: string, fieldPrefix: string): T {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidRunInputError([
      fieldPrefix ? { field: fieldPrefix.replace(/: $/, ''), message: 'must hold a JSON object' } : { field: '', message: `${what} must be a JSON object` },
    ]);
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new InvalidRunInputError(describeSchemaIssues(result.error, raw).map((issue) => ({ ...issue, field: `${fieldPrefix}${issue.field}` })));
  }
  return result.data;
}

function crossFieldIssues(input: RunInput): InputIssue[] {
  const issues: InputIssue[] = [];
  if (input.batchInferenceJobMode === 'THEME_GENERATION' && !input.themeGenerationConfig) {
    issues.push({ field: 'themeGenerationConfig', message: 'is required when batchInferenceJobMode is THEME_GENERATION' });
  }
  if (input.themeGenerationConfig && input.batchInferenceJobMode !== 'THEME_GENERATION') {
    issues.push({ field: 'batchInferenceJobMode', message: 'must be THEME_GENERATION when themeGenerationConfig is given' });
  }
  // A run may queue for capacity and then watch its job; both must end before the state machine's
  // TimeoutSeconds, which no Catch can record.
  const queue = input.maxQueueSeconds ?? DEFAULT_CAPACITY_POLICY.maxQueueSeconds;
  const watch = input.maxWaitSeconds ?? DEFAULT_POLLING_POLICY.maxElapsedSeconds;
  if (queue + watch > MAX_ELAPSED_SECONDS_LIMIT) {
    issues.push({
      field: 'maxWaitSeconds',
      message: `plus maxQueueSeconds must be at most ${MAX_ELAPSED_SECONDS_LIMIT} (6 days, under the state machine's 7-day timeout); they add up to ${queue + watch}`,
    });
  }
  return issues;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

/**
 * Merges a parsed run input over the stage defaults. The job name defaults to one derived from the
 * run id, which makes the start step idempotent (see `jobNameForRun`).
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
  };
}

/**
 * Where Personalize writes results: `<input file name>.out` in the output folder. An input folder
 * yields one `.out` per file, so the folder itself is the location.
 */
export function outputLocation(inputPath: string, outputPath: string): string {
  if (inputPath.endsWith('/')) return outputPath;
  const fileName = inputPath.slice(inputPath.lastIndexOf('/') + 1);
  return `${withTrailingSlash(outputPath)}${fileName}.out`;
}

export function withTrailingSlash(uri: string): string {
  return uri.endsWith('/') ? uri : `${uri}/`;
}

export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const match = S3_URI.exec(uri);
  if (!match || match[1] === undefined || match[2] === undefined) return undefined;
  return { bucket: match[1], key: match[2] };
}
