import type { InputRecords, JobOutputs } from './ports';
import { NEXT_STEP } from '../domain/next-step';
import { OutputTally, type OutputVerification } from '../domain/output-verification';
import type { RunContext, RunState } from '../domain/run';
import { parseS3Uri } from '../domain/s3-uri';

export interface VerifyOutputDependencies {
  outputs: JobOutputs;
  inputs: InputRecords;
}

/** The run after "Verify output": the figures (or why they could not be read) for the record step. */
export type VerifiedRunState = RunState & { next: typeof NEXT_STEP.record; verification: OutputVerification };

/**
 * S3 errors that no retry will fix: the stack may not read the location (a bucket outside its
 * grant, a KMS key it may not use), or the location does not exist. They are recorded as a run whose
 * output could not be verified; anything else (throttling, a 5xx, a network error) is thrown for the
 * Task's retries.
 */
const UNREADABLE_ERRORS = new Set([
  'AccessDenied',
  'AllAccessDisabled',
  'InvalidBucketName',
  'InvalidObjectState',
  'NoSuchBucket',
  'NoSuchKey',
  'PermanentRedirect',
]);
const UNREADABLE_STATUS_CODES = new Set([301, 403, 404]);

/**
 * Reads what the run's `ACTIVE` job wrote, before the run may be recorded SUCCEEDED.
 *
 * Primary course: stream the run's output (its `<input file>.out`, or every `.out` in its output
 * folder for a folder input) into an `OutputTally`, and, when the input was staged, count the staged
 * copy's records; hand the figures to "Record run", which judges them against `maxErrorRate`.
 * Alternate course: the output cannot be read (AccessDenied, a KMS key the stack may not use, no
 * such bucket): the state says so, naming the location and S3's error, and the run is recorded
 * FAILED as `OutputNotVerified`, never as a pass.
 *
 * @throws the S3 error, its message naming the location, for errors a retry may fix.
 */
export async function verifyOutput(state: RunState, deps: VerifyOutputDependencies): Promise<VerifiedRunState> {
  const { run, poll } = state;
  const output = outputToRead(run);
  const stagedInput = run.jobInputPath !== run.inputPath ? parseS3Uri(run.jobInputPath) : undefined;
  let reading = output.location;
  try {
    const tally = new OutputTally();
    if (!output.object) throw Object.assign(new Error(`${output.location} is not an S3 URI`), { name: 'InvalidBucketName' });
    await deps.outputs.tallyOutputs({ bucket: output.object.bucket, prefix: output.object.key }, tally);
    reading = run.jobInputPath;
    const inputRecords = stagedInput ? await deps.inputs.countRecords({ bucket: stagedInput.bucket, prefix: stagedInput.key }) : undefined;
    return { next: NEXT_STEP.record, run, poll, verification: { verified: true, location: output.location, ...tally.result(), inputRecords } };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    if (!isUnreadable(error)) {
      if (error instanceof Error) error.message = `Verifying ${reading} failed: ${message}`;
      throw error;
    }
    return {
      next: NEXT_STEP.record,
      run,
      poll,
      verification: { verified: false, location: reading, error: name, reason: `The output could not be verified: reading ${reading} failed with ${name}: ${message}` },
    };
  }
}

/**
 * What the run's job wrote: for an input file, exactly `<outputPath><input file>.out` (its
 * `outputLocation`), so a fixed output folder shared with other runs' files adds nothing to the
 * count; for an input folder, every `.out` in the output folder.
 */
function outputToRead(run: RunContext): { location: string; object: { bucket: string; key: string } | undefined } {
  const location = run.outputLocation;
  return { location, object: parseS3Uri(location) };
}

function isUnreadable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (UNREADABLE_ERRORS.has(error.name) || error.name.startsWith('KMS.')) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status !== undefined && UNREADABLE_STATUS_CODES.has(status);
}
