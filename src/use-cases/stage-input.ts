import type { InputStaging } from './ports';
import { stagedInput, type BucketLayout } from '../domain/bucket-layout';
import { InvalidRunInputError } from '../domain/errors';
import { jobPathIssue, type JobSettings } from '../domain/job-settings';
import type { RunInput } from '../domain/run-input';

/**
 * Copies the run's input to a staging folder of its own (when the layout calls for one) and
 * returns the settings with `inputPath` pointing where Personalize should read: the staged folder,
 * or the input path as given.
 *
 * @throws InvalidRunInputError when the input file does not exist (NoSuchKey, NotFound, NoSuchVersion),
 *   or when the path Personalize would read is longer than its 256 characters.
 * @throws the S3 error as S3 named it for anything else (AccessDenied, KMS, throttling), its
 *   message saying which copy failed, so Retry/Catch and the record keep S3's name.
 */
export async function stageRunInput(
  input: RunInput,
  settings: JobSettings,
  runId: string,
  deps: { layout: BucketLayout; staging: InputStaging },
): Promise<JobSettings> {
  const plan = stagedInput(settings.inputPath, runId, deps.layout, sourceVersionId(input, settings.inputPath), settings.outputPath);
  // Personalize's 256-character limit is on the path it reads: the short staged folder, or the
  // input path itself when it is not staged (a folder, or a file in another bucket).
  const tooLong = jobPathIssue('inputPath', plan?.jobInputPath ?? settings.inputPath);
  if (tooLong) {
    if (!plan) tooLong.message += ' (a folder, or a file outside the data bucket, is given to Personalize as is; a file in the data bucket is read from a short staging folder)';
    throw new InvalidRunInputError([tooLong]);
  }
  if (!plan) return settings;
  try {
    await deps.staging.copy(plan.source, plan.destination);
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchVersion') {
      throw new InvalidRunInputError([{ field: 'inputPath', message: `names ${settings.inputPath}, which does not exist` }]);
    }
    if (error instanceof Error) {
      error.message = `Staging ${settings.inputPath} to s3://${plan.destination.bucket}/${plan.destination.key} failed: ${error.message}`;
    }
    throw error;
  }
  return { ...settings, inputPath: plan.jobInputPath, inputFileName: plan.fileName };
}

/** An upload's version id, so the staged copy is exactly the object that fired the trigger. */
function sourceVersionId(input: RunInput, inputPath: string): string | undefined {
  const source = input.source;
  if (!source || typeof source.versionId !== 'string') return undefined;
  return inputPath === `s3://${String(source.bucket)}/${String(source.key)}` ? source.versionId : undefined;
}
