import type { LocalEnvironment } from '../../src/local/local-environment';

export interface BadInputCase {
  name: string;
  input: (bucket: string) => unknown;
  errorType: string;
  /** The exact failure reason the user sees in the run record and as the execution's cause. */
  reason: string;
}

/** The local data bucket, as it appears in reasons that name a configuration file. */
const BUCKET = 'personalize-batch-orchestrator-local-data';

const SOLUTION = 'arn:aws:personalize:us-east-1:123456789012:solution/local-user-personalization/1a2b3c4d';
const valid = (bucket: string) => ({ inputPath: `s3://${bucket}/manual/users.jsonl` });

/** Job group configuration files the cases refer to. */
export async function prepareBucket(environment: LocalEnvironment): Promise<void> {
  await environment.upload('manual/users.jsonl', '{"userId":"user-001"}\n');
  await environment.upload('config/broken.json', '{ "numResults": 10, ');
  await environment.upload('config/wrong-types.json', JSON.stringify({ numResults: 'ten', jobName: 'fixed' }));
  await environment.upload('config/array.json', JSON.stringify([{ numResults: 10 }]));
}

export const CASES: BadInputCase[] = [
  {
    name: 'not an object',
    input: () => ['s3://bucket/input/users.jsonl'],
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: execution input must be a JSON object",
  },
  {
    name: 'no inputPath',
    input: () => ({ numResults: 10 }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: inputPath: is required",
  },
  {
    name: 'inputPath not an S3 URI',
    input: () => ({ inputPath: 'input/users.jsonl' }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: inputPath: must be an S3 URI: s3://<bucket>/<key>",
  },
  {
    name: 'inputPath with a key over 1,024 bytes',
    input: (bucket) => ({ inputPath: `s3://${bucket}/${'a'.repeat(1020)}.jsonl` }),
    errorType: 'InvalidRunInputError',
    reason: 'Invalid run input: inputPath: must have a key of at most 1,024 bytes of UTF-8 (S3 limit)',
  },
  {
    name: 'inputPath with an invalid bucket name',
    input: () => ({ inputPath: 's3://My_Bucket/users.jsonl' }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: inputPath: must name a valid bucket: 3-63 lowercase letters, digits, \".\" and \"-\"",
  },
  {
    name: 'outputPath not a folder',
    input: (bucket) => ({ ...valid(bucket), outputPath: `s3://${bucket}/output/result.jsonl` }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: outputPath: must be a folder: an S3 URI ending with \"/\"",
  },
  {
    name: 'unknown field',
    input: (bucket) => ({ ...valid(bucket), numResult: 10 }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: numResult: is not a known field",
  },
  {
    name: 'numResults as a string',
    input: (bucket) => ({ ...valid(bucket), numResults: '10' }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: numResults: must be a number, got the string \"10\"",
  },
  {
    name: 'numResults zero',
    input: (bucket) => ({ ...valid(bucket), numResults: 0 }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: numResults: must be at least 1",
  },
  {
    name: 'numResults fractional',
    input: (bucket) => ({ ...valid(bucket), numResults: 2.5 }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: numResults: must be a whole number",
  },
  {
    name: 'solutionVersionArn not an ARN',
    input: (bucket) => ({ ...valid(bucket), solutionVersionArn: 'my-solution' }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: solutionVersionArn: must be a Personalize solution version ARN (arn:<partition>:personalize:<region>:<account>:...)",
  },
  {
    name: 'solutionVersionArn of another service',
    input: (bucket) => ({ ...valid(bucket), solutionVersionArn: 'arn:aws:sagemaker:us-east-1:123456789012:model/x' }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: solutionVersionArn: must be a Personalize solution version ARN (arn:<partition>:personalize:<region>:<account>:...)",
  },
  {
    name: 'unknown solution version',
    input: (bucket) => ({ ...valid(bucket), solutionVersionArn: 'arn:aws:personalize:us-east-1:123456789012:solution/nope/0000' }),
    errorType: 'JobRejectedError',
    reason: "Personalize rejected the job (ResourceNotFoundException): Could not find solution version: arn:aws:personalize:us-east-1:123456789012:solution/nope/0000",
  },
  {
    name: 'unknown filter',
    input: (bucket) => ({ ...valid(bucket), filterArn: 'arn:aws:personalize:us-east-1:123456789012:filter/nope' }),
    errorType: 'JobRejectedError',
    reason: "Personalize rejected the job (ResourceNotFoundException): Could not find filter: arn:aws:personalize:us-east-1:123456789012:filter/nope",
  },
  {
    name: 'roleArn not a role',
    input: (bucket) => ({ ...valid(bucket), roleArn: 'arn:aws:iam::123456789012:user/alice' }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: roleArn: must be an IAM role ARN (arn:<partition>:iam::<12-digit account>:role/<name>)",
  },
  {
    name: 'roleArn with a short account',
    input: (bucket) => ({ ...valid(bucket), roleArn: 'arn:aws:iam::1234:role/personalize' }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: roleArn: must be an IAM role ARN (arn:<partition>:iam::<12-digit account>:role/<name>)",
  },
  {
    name: 'jobName too long',
    input: (bucket) => ({ ...valid(bucket), jobName: 'j'.repeat(64) }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: jobName: must be at most 63 characters",
  },
  {
    name: 'jobName with illegal characters',
    input: (bucket) => ({ ...valid(bucket), jobName: 'nightly run!' }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: jobName: must start with a letter or digit and contain only letters, digits, \"-\" and \"_\"",
  },
  {
    name: 'jobName starting with a dash',
    input: (bucket) => ({ ...valid(bucket), jobName: '-nightly' }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: jobName: must start with a letter or digit and contain only letters, digits, \"-\" and \"_\"",
  },
  {
    name: 'kmsKeyArn malformed',
    input: (bucket) => ({ ...valid(bucket), outputKmsKeyArn: 'alias/my-key' }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: outputKmsKeyArn: must be a KMS key ARN (arn:aws:kms:<region>:<12-digit account>:key/<id>)",
  },
  {
    name: 'unknown job mode',
    input: (bucket) => ({ ...valid(bucket), batchInferenceJobMode: 'STANDARD' }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: batchInferenceJobMode: must be BATCH_INFERENCE or THEME_GENERATION",
  },
  {
    name: 'theme mode without theme config',
    input: (bucket) => ({ ...valid(bucket), batchInferenceJobMode: 'THEME_GENERATION' }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: themeGenerationConfig: is required when batchInferenceJobMode is THEME_GENERATION",
  },
  {
    name: 'tag with an empty key',
    input: (bucket) => ({ ...valid(bucket), tags: [{ tagKey: '', tagValue: 'x' }] }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: tags.0.tagKey: must not be empty",
  },
  {
    name: 'too many tags',
    input: (bucket) => ({ ...valid(bucket), tags: Array.from({ length: 201 }, (_, i) => ({ tagKey: `k${i}`, tagValue: 'v' })) }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: tags: must have at most 200 tags",
  },
  {
    name: 'maxPolls over the history limit',
    input: (bucket) => ({ ...valid(bucket), maxPolls: 5000 }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: maxPolls: must be at most 2500 (keeps the execution under 25,000 history events)",
  },
  {
    name: 'maxWaitSeconds below a minute',
    input: (bucket) => ({ ...valid(bucket), maxWaitSeconds: 30 }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: maxWaitSeconds: must be at least 60",
  },
  {
    name: 'job group without a configuration file',
    input: (bucket) => ({ ...valid(bucket), jobGroup: 'marketing' }),
    errorType: 'InvalidRunInputError',
    reason: `Invalid run input: jobGroup: names "marketing", which has no configuration file at s3://${BUCKET}/config/marketing.json`,
  },
  {
    name: 'job group name with a slash',
    input: (bucket) => ({ ...valid(bucket), jobGroup: 'team/a' }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: jobGroup: must be 1-63 letters, digits, \"-\" or \"_\", starting with a letter or digit",
  },
  {
    name: 'configuration file that is not JSON',
    input: (bucket) => ({ ...valid(bucket), jobGroup: 'broken' }),
    errorType: 'InvalidRunInputError',
    reason: `Invalid run input: s3://${BUCKET}/config/broken.json: is not valid JSON (Expected double-quoted property name in JSON at position 20)`,
  },
  {
    name: 'configuration file with wrong types and a job name',
    input: (bucket) => ({ ...valid(bucket), jobGroup: 'wrong-types' }),
    errorType: 'InvalidRunInputError',
    reason: `Invalid run input: s3://${BUCKET}/config/wrong-types.json: numResults: must be a number, got the string "ten"; s3://${BUCKET}/config/wrong-types.json: jobName: is not a known field`,
  },
  {
    name: 'configuration file holding an array',
    input: (bucket) => ({ ...valid(bucket), jobGroup: 'array' }),
    errorType: 'InvalidRunInputError',
    reason: `Invalid run input: s3://${BUCKET}/config/array.json: must hold a JSON object`,
  },
  {
    name: 'several problems at once',
    input: () => ({ inputPath: 'users.jsonl', numResults: -1, solutionVersionArn: SOLUTION.replace('arn:aws:personalize', 'arn:aws:s3') }),
    errorType: 'InvalidRunInputError',
    reason: "Invalid run input: inputPath: must be an S3 URI: s3://<bucket>/<key>; solutionVersionArn: must be a Personalize solution version ARN (arn:<partition>:personalize:<region>:<account>:...); numResults: must be at least 1",
  },
];
