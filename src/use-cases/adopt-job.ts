import type { BatchJobDescription, BatchJobs } from './ports';
import { JobRejectedError } from '../domain/errors';
import type { JobSettings } from '../domain/job-settings';

/** The job a start adopted because its name was taken, as the run then reports it. */
export interface AdoptedJob {
  jobArn: string;
  jobCreatedAt: Date;
  /** The run's settings with where the adopted job actually reads and writes. */
  settings: JobSettings;
}

/**
 * Adopts the job already created under this run's job name. A derived name belongs to this
 * execution alone (see `jobNameForRun`), so its job is one an earlier attempt of this same run
 * created: adopt it whatever it reads. A name the user chose is adopted only if the job matches
 * this run's request.
 *
 * @param userChoseName - true when the job name came from the run's input (`jobName`).
 * @throws JobRejectedError when a user-chosen name belongs to a different job (names are never reusable).
 */
export async function adoptExistingJob(jobs: BatchJobs, settings: JobSettings, userChoseName: boolean, now: () => number): Promise<AdoptedJob> {
  const existing = await jobs.describe(batchInferenceJobArn(settings.solutionVersionArn, settings.jobName));
  if (userChoseName) assertSameJob(existing, settings);
  return {
    jobArn: existing.jobArn,
    jobCreatedAt: existing.createdAt ?? new Date(now()),
    // The run reports the job it adopted: where that job reads and writes, even if a setting
    // changed between the attempt that created it and this one.
    settings: {
      ...settings,
      solutionVersionArn: existing.solutionVersionArn ?? settings.solutionVersionArn,
      inputPath: existing.inputPath ?? settings.inputPath,
      outputPath: existing.outputPath ?? settings.outputPath,
    },
  };
}

/**
 * Jobs live in the account and region of the solution version they use, so the ARN of a job we
 * named can be built without listing jobs.
 *
 * @throws JobRejectedError when `solutionVersionArn` is not a Personalize ARN.
 */
export function batchInferenceJobArn(solutionVersionArn: string, jobName: string): string {
  const [arn, partition, service, region, account] = solutionVersionArn.split(':');
  if (arn !== 'arn' || service !== 'personalize' || !partition || !region || !account) {
    throw new JobRejectedError(`Cannot derive the job ARN from solution version ARN ${solutionVersionArn}`);
  }
  return `arn:${partition}:personalize:${region}:${account}:batch-inference-job/${jobName}`;
}

function assertSameJob(existing: BatchJobDescription, settings: JobSettings): void {
  const mismatches = (
    [
      ['solutionVersionArn', existing.solutionVersionArn, settings.solutionVersionArn],
      ['inputPath', existing.inputPath, settings.inputPath],
      ['outputPath', existing.outputPath, settings.outputPath],
    ] as const
  ).filter(([, actual, expected]) => actual !== expected);
  if (mismatches.length > 0) {
    const details = mismatches.map(([field, actual, expected]) => `${field} is ${actual ?? 'unset'}, this run wants ${expected}`).join('; ');
    throw new JobRejectedError(
      `Job name ${settings.jobName} is already used by a different batch inference job (${details}). ` +
        'Job names can never be reused: give this run another jobName.',
      'ResourceAlreadyExistsException',
    );
  }
}
