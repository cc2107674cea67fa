import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StopExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { FailureQueue } from './failure-queue';
import { JobStore, type StoredJob } from './personalize/job-store';
import type { StandInJobType } from './personalize/types';
import type { StepFunctionsStandIn } from './step-functions';
import type { SavedExecution } from './step-functions/persistence';

const PERSONALIZE_FILE = 'personalize-jobs.json';
const STEP_FUNCTIONS_FILE = 'step-functions-executions.json';
const FAILURES_FILE = 'failures.json';

/** What a local environment starts from: empty, or what `saveDataDir` left in `dataDir`. */
export interface StartingState {
  /** s3rver's directory and dynalite's LevelDB folder, when kept. */
  s3Directory?: string;
  dynamoDbPath?: string;
  /** Personalize's jobs, one store per job type, as the stand-in keeps them. */
  jobStores: Record<StandInJobType, JobStore>;
  restoredExecutions: SavedExecution[];
  failureQueue: FailureQueue;
}

/**
 * Reads `--data-dir` (created if missing): the S3 and DynamoDB folders are the servers' own, the
 * stand-ins' state is JSON (`personalize-jobs.json`, `step-functions-executions.json`,
 * `failures.json`). Without a data dir everything starts empty, in memory.
 */
export async function loadDataDir(dataDir: string | undefined): Promise<StartingState> {
  const failureQueue = new FailureQueue(dataDir && join(dataDir, FAILURES_FILE));
  const jobStores: Record<StandInJobType, JobStore> = { BATCH_INFERENCE: new JobStore(), BATCH_SEGMENT: new JobStore() };
  if (!dataDir) return { jobStores, restoredExecutions: [], failureQueue };
  await mkdir(join(dataDir, 's3'), { recursive: true });
  await failureQueue.load();
  for (const job of await readSaved<StoredJob>(dataDir, PERSONALIZE_FILE)) {
    const jobType = job.jobType ?? 'BATCH_INFERENCE';
    jobStores[jobType].add({ ...job, jobType, finalizing: undefined });
  }
  return {
    s3Directory: join(dataDir, 's3'),
    dynamoDbPath: join(dataDir, 'dynamodb'),
    jobStores,
    restoredExecutions: await readSaved<SavedExecution>(dataDir, STEP_FUNCTIONS_FILE),
    failureQueue,
  };
}

/** Writes the stand-ins' state for the next start; call once no job is being finalized. */
export async function saveDataDir(dataDir: string, jobStores: Record<StandInJobType, JobStore>, stepFunctions: StepFunctionsStandIn): Promise<void> {
  const all = [...jobStores.BATCH_INFERENCE.all(), ...jobStores.BATCH_SEGMENT.all()];
  await Promise.all(all.map((job) => job.finalizing));
  const jobs = all.map(({ finalizing: _finalizing, sequence: _sequence, ...job }) => job);
  await writeFile(join(dataDir, PERSONALIZE_FILE), JSON.stringify(jobs));
  await writeFile(join(dataDir, STEP_FUNCTIONS_FILE), JSON.stringify(stepFunctions.savedExecutions()));
}

/**
 * One of the stand-ins' saved files, or nothing when there is none yet.
 * @throws Error naming the file when it is not the JSON array `saveDataDir` writes.
 */
async function readSaved<T>(dataDir: string, file: string): Promise<T[]> {
  const path = join(dataDir, file);
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${error instanceof Error ? error.message : String(error)}): restore it, delete it, or start with another --data-dir`);
  }
  if (!Array.isArray(parsed)) throw new Error(`${path} is not the list local up writes there: restore it, delete it, or start with another --data-dir`);
  return parsed as T[];
}

/**
 * StopExecution, through the real client, for every running execution (Ctrl-C of `local up`);
 * looks again a few times, since triggers still in flight may start executions meanwhile.
 * Returns how many were stopped.
 */
export async function stopRunningExecutions(stepFunctions: StepFunctionsStandIn, sfn: SFNClient, cause: string): Promise<number> {
  let stopped = 0;
  for (let round = 0; round < 3; round++) {
    const running = stepFunctions.executions().filter((execution) => execution.status === 'RUNNING');
    if (running.length === 0) break;
    await Promise.all(
      running.map((execution) =>
        sfn.send(new StopExecutionCommand({ executionArn: execution.executionArn, error: 'local.Shutdown', cause })).then(
          () => stopped++,
          () => undefined,
        ),
      ),
    );
  }
  return stopped;
}
