import type { Logger } from '@aws-lambda-powertools/logger';
import { composeGetJobStatus } from '../composition/get-job-status';
import { composeJobOutputCreated } from '../composition/job-output-created';
import { composeWaitForJobOutput } from '../composition/wait-for-job-output';
import type { AwsClients, Environment } from '../composition/options';
import { composeRecordClosedExecution } from '../composition/record-closed-execution';
import { composeRecordRun } from '../composition/record-run';
import { composeStartJob } from '../composition/start-job';
import { composeSweepJobSlots } from '../composition/sweep-job-slots';
import { composeWaitForJobSlot } from '../composition/wait-for-job-slot';
import { composeTrigger } from '../composition/trigger';
import { composeVerifyOutput } from '../composition/verify-output';
import { DEFAULT_MAX_CONCURRENT_JOBS } from '../domain/capacity-policy';
import type { RunDefaults } from '../domain/job-settings';
import {
  CONFIG_PREFIX,
  INPUT_PREFIX,
  INPUT_SUFFIXES,
  LOCAL_BUCKET,
  LOCAL_METRICS_NAMESPACE,
  LOCAL_JOB_SLOTS_TABLE,
  LOCAL_OUTPUT_WAITS_TABLE,
  LOCAL_PERSONALIZE_ROLE_ARN,
  LOCAL_RUNS_TABLE,
  OUTPUT_PREFIX,
  RUN_RECORD_RETENTION_DAYS,
  STAGING_PREFIX,
} from './local-stage';
import type { LocalLambdaHandler } from './local-runner';

/** Stage defaults a deployment sets through startJob's environment (`polling` has no variable). */
export type LocalRunDefaults = Partial<Omit<RunDefaults, 'polling'>>;

/** The variable behind each stage default, as serverless.yml sets it from its params. */
const DEFAULT_VARIABLES: Record<keyof LocalRunDefaults, string> = {
  solutionVersionArn: 'DEFAULT_SOLUTION_VERSION_ARN',
  roleArn: 'PERSONALIZE_ROLE_ARN',
  outputBaseUri: 'OUTPUT_BASE_URI',
  numResults: 'DEFAULT_NUM_RESULTS',
};

/**
 * The functions' environment as `serverless deploy --stage local` would set it (one record holding
 * every function's variables, each composition root reads its own; `STATE_MACHINE_ARN` is added
 * once the state machine exists), plus `defaults` translated into
 * those variables as `--param` would. A default given as `undefined` is one the stage lacks: it is
 * returned in `cleared`, because a required variable cannot be left unset without failing cold start.
 */
export function localFunctionEnvironment(options: {
  defaultSolutionVersionArn?: string | undefined;
  defaults?: LocalRunDefaults | undefined;
  /** The stage's `maxConcurrentJobs` (default 5). */
  maxConcurrentJobs?: number | undefined;
}): {
  env: Environment;
  cleared: Array<keyof RunDefaults>;
} {
  const env: Environment = {
    RUNS_TABLE_NAME: LOCAL_RUNS_TABLE,
    DATA_BUCKET: LOCAL_BUCKET,
    INPUT_PREFIX,
    INPUT_SUFFIXES: INPUT_SUFFIXES.join(','),
    CONFIG_PREFIX,
    STAGING_PREFIX,
    PERSONALIZE_ROLE_ARN: LOCAL_PERSONALIZE_ROLE_ARN,
    OUTPUT_BASE_URI: `s3://${LOCAL_BUCKET}/${OUTPUT_PREFIX}`,
    DEFAULT_SOLUTION_VERSION_ARN: options.defaultSolutionVersionArn,
    RUN_RECORD_RETENTION_DAYS: String(RUN_RECORD_RETENTION_DAYS),
    // The stage default: no SNS topic. Local mode records the EventBridge events instead.
    RUN_NOTIFICATION_TOPIC_ARN: '',
    METRICS_NAMESPACE: LOCAL_METRICS_NAMESPACE,
    // No group of the local stage is known: every named group counts as "other".
    METRICS_JOB_GROUPS: '',
    JOB_SLOTS_TABLE_NAME: LOCAL_JOB_SLOTS_TABLE,
    // As serverless.yml sets it from the stage's maxConcurrentJobs (default 5, Personalize's default quota).
    MAX_CONCURRENT_JOBS: String(options.maxConcurrentJobs ?? DEFAULT_MAX_CONCURRENT_JOBS),
    MAX_CONCURRENT_SEGMENT_JOBS: String(options.maxConcurrentJobs ?? DEFAULT_MAX_CONCURRENT_JOBS),
    OUTPUT_PREFIX,
    OUTPUT_WAITS_TABLE_NAME: LOCAL_OUTPUT_WAITS_TABLE,
  };
  const cleared: Array<keyof RunDefaults> = [];
  for (const [name, value] of Object.entries(options.defaults ?? {}) as Array<[keyof LocalRunDefaults, string | number | undefined]>) {
    if (value === undefined) cleared.push(name);
    else env[DEFAULT_VARIABLES[name]] = String(value);
  }
  return { env, cleared };
}

export type FunctionKey =
  | 'trigger'
  | 'startJob'
  | 'waitForJobSlot'
  | 'getJobStatus'
  | 'waitForJobOutput'
  | 'jobOutputCreated'
  | 'verifyOutput'
  | 'recordRun'
  | 'recordClosedExecution'
  | 'sweepJobSlots';

export interface LocalFunctionsOptions {
  env: Environment;
  cleared: Array<keyof RunDefaults>;
  clients: Partial<AwsClients>;
  now: () => number;
  random?: (() => number) | undefined;
  logger: Logger;
  /** Where the run metrics' EMF documents go (Lambda prints them to stdout). */
  metricsOutput?: ((line: string) => void) | undefined;
}

/*
 * Each deployed function is wired by its own composition root, the one its Lambda entry point
 * calls, with local values and endpoint clients. In two groups because the state machine must
 * exist before anything can start it: the functions it runs come first, then the ones that start
 * or watch its executions.
 */

/** The functions the state machine runs, keyed as in serverless.yml. */
export function composeStateMachineFunctions(
  options: LocalFunctionsOptions,
): Record<'startJob' | 'waitForJobSlot' | 'getJobStatus' | 'waitForJobOutput' | 'verifyOutput' | 'recordRun', LocalLambdaHandler> {
  const { env, clients, now, logger, metricsOutput } = options;
  const wiring = { clients, now, logger, metricsOutput };
  return asLocalHandlers({
    startJob: composeStartJob(env, { ...wiring, clearDefaults: options.cleared }),
    waitForJobSlot: composeWaitForJobSlot(env, wiring),
    getJobStatus: composeGetJobStatus(env, wiring),
    waitForJobOutput: composeWaitForJobOutput(env, wiring),
    verifyOutput: composeVerifyOutput(env, wiring),
    recordRun: composeRecordRun(env, wiring),
  });
}

/** The functions S3, Scheduler and EventBridge invoke, keyed as in serverless.yml. */
export function composeEventFunctions(options: LocalFunctionsOptions): Record<'trigger' | 'recordClosedExecution' | 'sweepJobSlots' | 'jobOutputCreated', LocalLambdaHandler> {
  const { env, clients, now, logger, metricsOutput } = options;
  const wiring = { clients, now, logger, metricsOutput };
  return asLocalHandlers({
    trigger: composeTrigger(env, wiring),
    recordClosedExecution: composeRecordClosedExecution(env, wiring),
    sweepJobSlots: composeSweepJobSlots(env, wiring),
    jobOutputCreated: composeJobOutputCreated(env, wiring),
  });
}

/** The middy handlers declare their own event types; the local runner and stand-ins pass JSON. */
function asLocalHandlers<K extends string>(handlers: Record<K, unknown>): Record<K, LocalLambdaHandler> {
  return handlers as Record<K, LocalLambdaHandler>;
}
