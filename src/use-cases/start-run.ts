import type { BatchJobDescription, BatchJobs } from '../adapters/personalize-jobs';
import { JobRejectedError } from '../domain/errors';
import { jobNameForRun } from '../domain/naming';
import { initialPollState } from '../domain/polling-policy';
import type { ExecutionRef, RunState } from '../domain/run';
import { outputLocation, parseRunInput, resolveJobSettings, type JobSettings, type RunDefaults } from '../domain/run-input';

export interface StartRunDependencies {
  jobs: BatchJobs;
  defaults: RunDefaults;
  now: () => number;
}

export interface StartRunRequest {
  /** The execution input, as the trigger or the console user gave it. */
  input: unknown;
  execution: ExecutionRef;
}

/**
 * Starts the Personalize job for one run.
 *
 * Primary course: validate the input, merge it over the stage defaults, create the job under a name
 * derived from the run id, and hand the polling loop its first wait.
 * Alternate course: the name is taken. Job names are single-use and deterministic per run, so this
 * is a retry of this same run (a Lambda retry, a redrive): adopt the job if it matches this run's
 * request, refuse clearly if it does not.
 */
export async function startRun(request: StartRunRequest, deps: StartRunDependencies): Promise<RunState> {
  const input = parseRunInput(request.input);
  const runId = request.execution.name;
  const settings = resolveJobSettings(input, deps.defaults, runId, jobNameForRun(runId));

  const created = await deps.jobs.create(settings);
  let jobArn: string;
  let jobCreatedAt: Date;
  let adoptedExistingJob = false;
  if (created.created) {
    jobArn = created.jobArn;
    jobCreatedAt = new Date(deps.now());
  } else {
    const existing = await deps.jobs.describe(batchInferenceJobArn(settings.solutionVersionArn, settings.jobName));
    assertSameJob(existing, settings);
    jobArn = existing.jobArn;
    jobCreatedAt = existing.createdAt ?? new Date(deps.now());
    adoptedExistingJob = true;
  }

  return {
    run: {
      runId,
      executionArn: request.execution.arn,
      executionStartTime: request.execution.startTime,
      jobName: settings.jobName,
      jobArn,
      adoptedExistingJob,
      jobCreatedAt: jobCreatedAt.toISOString(),
      solutionVersionArn: settings.solutionVersionArn,
      inputPath: settings.inputPath,
      outputPath: settings.outputPath,
      outputLocation: outputLocation(settings.inputPath, settings.outputPath),
      numResults: settings.numResults,
      filterArn: settings.filterArn,
      polling: settings.polling,
      source: input.source,
    },
    poll: initialPollState(settings.polling),
  };
}

/**
 * Jobs live in the account and region of the solution version they use, so the ARN of a job we
 * named can be built without listing jobs.
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
