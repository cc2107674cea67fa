// zod/mini: the same validation core at ~15 KB instead of ~450 KB in every bundle that imports it.
import * as z from 'zod/mini';
import { MAX_PRIORITY, MAX_QUEUE_SECONDS_LIMIT, MIN_PRIORITY } from './capacity-policy';
import { JOB_TYPES } from './job-type';
import { MAX_ELAPSED_SECONDS_LIMIT, MAX_POLLS_LIMIT } from './polling-policy';
import { InvalidRunInputError } from './errors';
import { parseJsonObject } from './schema-issues';
import { S3FolderSchema } from './s3-uri';
import { SOLUTION_ARN_PATTERN, solutionChoiceIssues } from './solution-choice';

/*
 * Patterns and limits from Personalize's CreateBatchInferenceJob API reference. Checking them here,
 * before calling Personalize, lets a bad run fail with the field named in the user's own terms.
 */
const PERSONALIZE_ARN = /^arn:([a-z\d-]+):personalize:.*:.*:.+$/;
const ROLE_ARN = /^arn:([a-z\d-]+):iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const KMS_KEY_ARN = /^arn:aws.*:kms:.*:[0-9]{12}:key\/.*$/;

/**
 * A job group's name: also a folder under the input prefix and a file name under the config
 * prefix, so it is limited to characters that are safe in both.
 */
export const JOB_GROUP_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/;

/** An ARN checked against its length limit and pattern; `message` shows the user the shape. */
const arnOf = (maxLength: number, pattern: RegExp, message: string) =>
  z.string().check(z.maxLength(maxLength, `must be at most ${maxLength} characters`), z.regex(pattern, message));

const personalizeArn = (what: string) =>
  arnOf(256, PERSONALIZE_ARN, `must be a Personalize ${what} ARN (arn:<partition>:personalize:<region>:<account>:...)`);

const roleArn = arnOf(256, ROLE_ARN, 'must be an IAM role ARN (arn:<partition>:iam::<12-digit account>:role/<name>)');
const kmsKeyArn = arnOf(2048, KMS_KEY_ARN, 'must be a KMS key ARN (arn:aws:kms:<region>:<12-digit account>:key/<id>)');

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

/**
 * A job group's configuration file (`config/<group>.json` in the data bucket): the job settings
 * every run of the group shares, in CreateBatchInferenceJob's (and CreateBatchSegmentJob's) own member names, plus the job type, plus the run's
 * guards (`maxWaitSeconds`, `maxPolls`, `maxQueueSeconds`) and the output check (`maxErrorRate`). A job name is per run, so it has no
 * place here. A run's own input takes the same members (see `RunInputSchema`).
 */
export const JobGroupConfigSchema = z.strictObject({
  /** Which job a run starts (see `JobType`); absent: `BATCH_INFERENCE`. */
  jobType: z.optional(z.enum(JOB_TYPES, `must be ${JOB_TYPES.join(' or ')}`)),
  outputPath: z.optional(S3FolderSchema),
  solutionVersionArn: z.optional(personalizeArn('solution version')),
  /** Instead of `solutionVersionArn`: run the newest ACTIVE version of this solution (see solution-choice.ts). */
  solutionArn: z.optional(
    arnOf(256, SOLUTION_ARN_PATTERN, 'must be a Personalize solution ARN (arn:<partition>:personalize:<region>:<account>:solution/<name>); a version goes in solutionVersionArn'),
  ),
  /** With `solutionArn`: refuse a newest ACTIVE version created more than this many days ago. */
  maxSolutionVersionAgeDays: z.optional(wholeNumber('must be a whole number of days', 1, 'must be at least 1', 3650, 'must be at most 3650')),
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
      // Personalize's RankingInfluenceType has two members, each weighted 0.0 to 1.0.
      rankingInfluence: z.optional(
        z.strictObject({
          POPULARITY: z.optional(z.number().check(z.gte(0, 'must be between 0.0 and 1.0'), z.lte(1, 'must be between 0.0 and 1.0'))),
          FRESHNESS: z.optional(z.number().check(z.gte(0, 'must be between 0.0 and 1.0'), z.lte(1, 'must be between 0.0 and 1.0'))),
        }),
      ),
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
  /**
   * Place in the queue for a Personalize job slot: 0 (lowest) to 9 (highest), default 5. A waiting
   * run of a higher priority is served before any of a lower one; within a priority, first come,
   * first served. A running job is never preempted.
   */
  priority: z.optional(
    wholeNumber('must be a whole number', MIN_PRIORITY, `must be at least ${MIN_PRIORITY}`, MAX_PRIORITY, `must be at most ${MAX_PRIORITY}`),
  ),
  /** Share of error records (0 to 1) a run's output may hold and the run still succeed; see `judgeOutput`. */
  maxErrorRate: z.optional(
    z.number().check(z.gte(0, 'must be at least 0'), z.lte(1, 'must be at most 1 (a share of the records, not a percentage)')),
  ),
});

/** A parsed job group configuration file; every member optional. */
export type JobGroupConfig = z.infer<typeof JobGroupConfigSchema>;

/**
 * Parses a job group's configuration file. Issues name the file, so a user can tell a problem in
 * the shared configuration from one in their own input.
 *
 * @param raw - the file's JSON, already parsed
 * @param location - where the file is (`s3://<bucket>/config/<group>.json`), prefixed to each issue
 * @throws InvalidRunInputError listing one issue per bad member, when `raw` is not a valid configuration
 *   (including one that names both `solutionArn` and `solutionVersionArn`)
 */
export function parseJobGroupConfig(raw: unknown, location: string): JobGroupConfig {
  const config = parseJsonObject(JobGroupConfigSchema, raw, `configuration file ${location}`, `${location}: `);
  const issues = solutionChoiceIssues(config, `${location}: `);
  if (issues.length > 0) throw new InvalidRunInputError(issues);
  return config;
}
