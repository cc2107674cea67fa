// zod/mini: the same validation core at ~15 KB instead of ~450 KB in every bundle that imports it.
import * as z from 'zod/mini';
import { DEFAULT_CAPACITY_POLICY } from './capacity-policy';
import { InvalidRunInputError, type InputIssue } from './errors';
import { JOB_GROUP_NAME_PATTERN, JobGroupConfigSchema, type JobGroupConfig } from './job-group-config';
import { JOB_NAME_MAX_LENGTH, JOB_NAME_PATTERN } from './naming';
import { DEFAULT_POLLING_POLICY, MAX_ELAPSED_SECONDS_LIMIT } from './polling-policy';
import { parseJsonObject } from './schema-issues';
import { S3UriSchema } from './s3-uri';
import { solutionChoiceIssues, withoutOverriddenChoice } from './solution-choice';

/**
 * The execution input: what a console user pastes into "Start execution", what the CLI sends and
 * what the trigger builds (see `TriggeredRunInputSchema`). Every member but `inputPath` is
 * optional; the job group's configuration file and the stage defaults fill the rest, in that
 * order. The job settings are the members of `JobGroupConfigSchema`, checked the same way.
 */
export const RunInputSchema = z.strictObject({
  inputPath: S3UriSchema,
  jobGroup: z.optional(
    z.string().check(z.regex(JOB_GROUP_NAME_PATTERN, 'must be 1-63 letters, digits, "-" or "_", starting with a letter or digit')),
  ),
  jobName: z.optional(
    z
      .string()
      .check(
        z.minLength(1, 'must not be empty'),
        z.maxLength(JOB_NAME_MAX_LENGTH, `must be at most ${JOB_NAME_MAX_LENGTH} characters`),
        z.regex(JOB_NAME_PATTERN, 'must start with a letter or digit and contain only letters, digits, "-" and "_"'),
      ),
  ),
  ...JobGroupConfigSchema.shape,
  /** Where the run came from; set by the trigger, free-form for manual starts. */
  source: z.optional(z.record(z.string(), z.unknown())),
});

/** A parsed execution input. */
export type RunInput = z.infer<typeof RunInputSchema>;

/**
 * Parses raw execution input, turning every problem into one readable issue per field.
 *
 * @throws InvalidRunInputError with one issue per bad field, or per broken rule across fields
 */
export function parseRunInput(raw: unknown): RunInput {
  const input = parseRunInputFields(raw);
  const issues = crossFieldIssues(input);
  if (issues.length > 0) throw new InvalidRunInputError(issues);
  return input;
}

/**
 * Checks each field of the execution input but not the rules across fields, which hold for the
 * input once merged with its job group's configuration (see `mergeRunInput`).
 *
 * @throws InvalidRunInputError with one issue per bad field
 */
export function parseRunInputFields(raw: unknown): RunInput {
  return parseJsonObject(RunInputSchema, raw, 'execution input', '');
}

/**
 * The run's own input over its job group's configuration: any member the input names wins. The
 * cross-field rules are checked on the merged result, since one half may come from each.
 *
 * @throws InvalidRunInputError when the merged input breaks a rule across fields
 */
export function mergeRunInput(config: JobGroupConfig, input: RunInput): RunInput {
  const own = stripUndefined(input);
  // The model is one choice, made by the most specific place that names one (see solution-choice.ts).
  const merged = { ...withoutOverriddenChoice(config, own), ...own } as RunInput;
  const issues = crossFieldIssues(merged);
  if (issues.length > 0) throw new InvalidRunInputError(issues);
  return merged;
}

function crossFieldIssues(input: RunInput): InputIssue[] {
  const issues: InputIssue[] = [...solutionChoiceIssues(input)];
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
