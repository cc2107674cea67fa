// zod/mini: the same validation core at ~15 KB instead of ~450 KB in every bundle that imports it.
import * as z from 'zod/mini';
import { DEFAULT_CAPACITY_POLICY } from './capacity-policy';
import { InvalidRunInputError, type InputIssue } from './errors';
import { BATCH_INFERENCE_ONLY_SETTINGS, MAX_USERS_PER_SEGMENT } from './job-type';
import { JOB_GROUP_NAME_PATTERN, JobGroupConfigSchema, type JobGroupConfig } from './job-group-config';
import { JOB_NAME_MAX_LENGTH, JOB_NAME_PATTERN } from './naming';
import { DEFAULT_POLLING_POLICY, MAX_ELAPSED_SECONDS_LIMIT } from './polling-policy';
import { parseJsonObject } from './schema-issues';
import { S3InputUriSchema, utf8Bytes } from './s3-uri';
import { solutionChoiceIssues, withoutOverriddenChoice } from './solution-choice';

/**
 * The largest `source` (JSON, UTF-8 bytes). The trigger's own sources are smaller: an upload's key
 * is at most 1,024 bytes (up to six times that as JSON escapes), and the rest of its members are short.
 */
export const SOURCE_MAX_BYTES = 8192;

/**
 * The largest execution input a run accepts (JSON, UTF-8 bytes). Step Functions refuses any state
 * input, output or Task parameters over 262,144 bytes with `States.DataLimitExceeded`, which no
 * Catch can record; "Start job" and "Record run" each carry one copy of the execution input beside
 * the run's own state (at most a few KB, plus a caught error), so the input keeps that much room.
 * Settings that need more (hundreds of long tags) belong in the job group's configuration file,
 * which never enters the state.
 */
export const RUN_INPUT_MAX_BYTES = 160 * 1024;

/**
 * The execution input: what a console user pastes into "Start execution", what the CLI sends and
 * what the trigger builds (see `TriggeredRunInputSchema`). Every member but `inputPath` is
 * optional; the job group's configuration file and the stage defaults fill the rest, in that
 * order. The job settings are the members of `JobGroupConfigSchema`, checked the same way.
 */
export const RunInputSchema = z.strictObject({
  inputPath: S3InputUriSchema,
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
  /**
   * Where the run came from; set by the trigger, free-form for manual starts. It rides along on the
   * run's state and record, so it is capped (`SOURCE_MAX_BYTES`).
   */
  source: z.optional(
    z
      .record(z.string(), z.unknown())
      .check(
        z.refine(
          (source) => utf8Bytes(JSON.stringify(source)) <= SOURCE_MAX_BYTES,
          `must be at most ${SOURCE_MAX_BYTES} bytes as JSON (it is carried on the run's state and record)`,
        ),
      ),
  ),
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
  const input = parseJsonObject(RunInputSchema, raw, 'execution input', '');
  const bytes = utf8Bytes(JSON.stringify(raw));
  if (bytes > RUN_INPUT_MAX_BYTES) {
    throw new InvalidRunInputError([
      {
        field: '',
        message:
          `The execution input is ${bytes} bytes as JSON; a run accepts at most ${RUN_INPUT_MAX_BYTES} so every step stays under ` +
          "Step Functions' 262,144-byte state limit. Move large settings (tags, batchInferenceJobConfig) to the job group's configuration file",
      },
    ]);
  }
  return input;
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
  if (input.jobType === 'BATCH_SEGMENT') {
    // CreateBatchSegmentJob has no such members: refuse them rather than drop what the user asked for.
    for (const field of BATCH_INFERENCE_ONLY_SETTINGS.filter((name) => input[name] !== undefined)) {
      issues.push({
        field,
        message: 'is a batch inference setting, and CreateBatchSegmentJob has no such member (jobType is BATCH_SEGMENT); remove it, or set jobType BATCH_INFERENCE',
      });
    }
    if (input.numResults !== undefined && input.numResults > MAX_USERS_PER_SEGMENT) {
      issues.push({ field: 'numResults', message: `is users per segment for a batch segment job, at most ${MAX_USERS_PER_SEGMENT}; got ${input.numResults}` });
    }
    return issues.concat(guardIssues(input));
  }
  if (input.batchInferenceJobMode === 'THEME_GENERATION' && !input.themeGenerationConfig) {
    issues.push({ field: 'themeGenerationConfig', message: 'is required when batchInferenceJobMode is THEME_GENERATION' });
  }
  if (input.themeGenerationConfig && input.batchInferenceJobMode !== 'THEME_GENERATION') {
    issues.push({ field: 'batchInferenceJobMode', message: 'must be THEME_GENERATION when themeGenerationConfig is given' });
  }
  return issues.concat(guardIssues(input));
}

function guardIssues(input: RunInput): InputIssue[] {
  const issues: InputIssue[] = [];
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
