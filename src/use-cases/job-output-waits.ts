import { createdOutputObjects, folderOf, outputWaitTarget, wakesTarget, type OutputEventScope } from '../domain/output-wait';
import type { OutputObjects, OutputWaits, WaitingTasks } from './ports';

/** A registration outlives its Task's timeout by this much before DynamoDB's TTL may remove it. */
export const OUTPUT_WAIT_TTL_MARGIN_SECONDS = 3600;

/** What "Wait for job output" sends (`lambda:invoke.waitForTaskToken`). */
export interface WaitForJobOutputRequest {
  /** `$$.Task.Token`. */
  taskToken: string;
  execution: { arn: string; name: string };
  /** The run's `outputLocation`: its `.out` file (a file input) or its output folder. */
  outputLocation: string;
  /** The Task's timeout (the safety poll), seconds: the registration expires after it. */
  waitSeconds: number;
}

/** The output a wake-up hands the run: "Wait for job output" puts it at `$.poll.outputSeen`. */
export interface OutputSeen {
  bucket: string;
  key: string;
}

/** What the wake-up needs (jobOutputCreated). */
export interface OutputWakeDependencies {
  waits: OutputWaits;
  tasks: WaitingTasks;
  /** The data bucket and its output prefix: where object-created events come from. */
  scope: OutputEventScope;
}

/** What the registration needs (waitForJobOutput): the wake-up's, plus a look at the bucket and a clock. */
export interface OutputWaitDependencies extends OutputWakeDependencies {
  objects: OutputObjects;
  now: () => number;
}

export type WaitForJobOutputResult = { waiting: true; alreadyThere: false } | { waiting: false; alreadyThere: true; key: string } | { waiting: false; reason: string };

/**
 * Registers the run's task token under its output folder, THEN looks for the output: an object
 * written between the status check and the registration sent its event to nobody, so a run that
 * finds its output already there wakes itself (SendTaskSuccess) at once. In that order no output
 * is missed: an event either finds the registration, or came before the look that finds its object.
 *
 * An output location no event covers (another bucket; getJobStatus sends such runs to a plain Wait)
 * registers nothing: the Task's timeout, the safety poll, ends the wait.
 *
 * @throws the storage or Step Functions error (the Task's Retry handles it).
 */
export async function waitForJobOutput(request: WaitForJobOutputRequest, deps: OutputWaitDependencies): Promise<WaitForJobOutputResult> {
  const target = outputWaitTarget(request.outputLocation, deps.scope);
  if (!target) return { waiting: false, reason: `no object-created event covers ${request.outputLocation}` };
  const wait = { folderKey: target.folderKey, fileKey: target.fileKey, runId: request.execution.name, executionArn: request.execution.arn, outputLocation: request.outputLocation, taskToken: request.taskToken };
  await deps.waits.register(wait, Math.ceil(deps.now() / 1000) + request.waitSeconds + OUTPUT_WAIT_TTL_MARGIN_SECONDS);
  const key = await deps.objects.findOutput(target);
  if (key === undefined) return { waiting: true, alreadyThere: false };
  const seen: OutputSeen = { bucket: target.bucket, key };
  await deps.tasks.succeed(request.taskToken, seen);
  await deps.waits.remove(wait);
  return { waiting: false, alreadyThere: true, key };
}

/** What one object-created event did. */
export interface OutputWakeSummary {
  /** `.out` objects under the output prefix the event named. */
  objects: number;
  /** Runs woken (SendTaskSuccess accepted). */
  woken: string[];
  /** Registrations whose Task was gone (timed out, execution closed): removed. */
  gone: string[];
}

/**
 * Wakes every run waiting for an output object the event names: one consistent Query of the
 * object's folder, then for each registration the object matches (the exact `.out` key, or any
 * `.out` in the folder for a folder input) SendTaskSuccess with `{ bucket, key }`, and the
 * registration removed (only if it still has that token). A Task that is gone (TaskTimedOut,
 * TaskDoesNotExist, InvalidToken: the safety poll ended the wait, or the execution closed) is
 * only removed; it never fails the event.
 *
 * @throws the first storage or Step Functions error once every object was tried, so the event is
 *   retried (runs already woken were removed and are not woken twice).
 */
export async function wakeRunsForOutput(event: Parameters<typeof createdOutputObjects>[0], deps: OutputWakeDependencies): Promise<OutputWakeSummary> {
  const summary: OutputWakeSummary = { objects: 0, woken: [], gone: [] };
  let failure: unknown;
  for (const object of createdOutputObjects(event, deps.scope)) {
    summary.objects += 1;
    for (const key of object.keys) {
      try {
        for (const wait of await deps.waits.waitingIn(folderOf(key))) {
          if (!wakesTarget(wait, key)) continue;
          const seen: OutputSeen = { bucket: object.bucket, key };
          const woken = await deps.tasks.succeed(wait.taskToken, seen);
          await deps.waits.remove(wait);
          (woken ? summary.woken : summary.gone).push(wait.runId);
        }
      } catch (error) {
        failure ??= error;
      }
    }
  }
  if (failure !== undefined) throw failure;
  return summary;
}
