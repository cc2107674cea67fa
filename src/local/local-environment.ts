import './polyfills';
import type { S3Event } from 'aws-lambda';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { Logger } from '@aws-lambda-powertools/logger';
import definition from '../../statemachine/batch-inference.asl.json';
import { createGetJobStatusHandler } from '../../src/handlers/get-job-status';
import { createRecordRunHandler } from '../../src/handlers/record-run';
import { createStartJobHandler } from '../../src/handlers/start-job';
import { createRecordClosedExecutionHandler } from '../../src/handlers/record-closed-execution';
import { createTriggerHandler } from '../../src/handlers/trigger';
import { StepFunctionsExecutions } from '../adapters/executions';
import { PersonalizeBatchJobs } from '../adapters/personalize-jobs';
import { DataBucketObjects } from '../adapters/s3-objects';
import { DynamoDbRunsStore } from '../adapters/runs-table';
import type { ExecutionStatusChangeEvent } from '../domain/closed-execution';
import type { RunRecord } from '../domain/run';
import { decodeS3EventKey } from '../domain/s3-event';
import type { RunDefaults } from '../domain/run-input';
import type { TriggerEvent, TriggerSummary } from '../use-cases/trigger';
import { SERVICE_NAME } from '../middleware/handler-kit';
import { VirtualClock, systemClock, type Clock } from './clock';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from './local-aws';
import { startLocalDynamoDb, type LocalDynamoDb } from './local-dynamodb';
import { startLambdaStandIn } from './lambda';
import { localS3Client, startLocalS3, type LocalS3 } from './local-s3';
import {
  createLocalRunner,
  localLambdaContext,
  realTimeWaits,
  virtualTimeWaits,
  type AslDefinition,
  type InjectedFault,
  type LocalLambdaHandler,
  type WaitStrategy,
} from './local-runner';
import { startPersonalizeStandIn, type JobDurations, type PersonalizeStandIn, type StandInCatalog } from './personalize';
import { startStepFunctionsStandIn, type ExecutionSnapshot, type StepFunctionsStandIn } from './step-functions';

export const LOCAL_STAGE = 'local';
export const LOCAL_BUCKET = `${SERVICE_NAME}-${LOCAL_STAGE}-data`;
export const LOCAL_RUNS_TABLE = `${SERVICE_NAME}-${LOCAL_STAGE}-runs`;
export const LOCAL_STATE_MACHINE_NAME = `${SERVICE_NAME}-${LOCAL_STAGE}-batch-inference`;
export const LOCAL_PERSONALIZE_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${SERVICE_NAME}-${LOCAL_STAGE}-personalize`;
const STATE_MACHINE_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${SERVICE_NAME}-${LOCAL_STAGE}-state-machine`;
export const INPUT_PREFIX = 'input/';
export const OUTPUT_PREFIX = 'output/';
export const CONFIG_PREFIX = 'config/';
export const INPUT_SUFFIXES = ['.json', '.jsonl'];
export const STAGING_PREFIX = 'staging/';

export interface LocalEnvironmentOptions {
  /**
   * `virtual` (tests, `personalize-batch run`): a virtual clock that Wait states advance, so an hour
   * of polling takes milliseconds. `realtime` (`personalize-batch local up`): wall-clock time, for
   * other tools watching the jobs.
   */
  time?: 'virtual' | 'realtime';
  /** Real milliseconds each Wait state pauses in virtual time (for visible progress). */
  realMsPerWait?: number;
  /** Real milliseconds between Task retries (Step Functions would wait seconds). */
  retryIntervalMs?: number;
  catalog?: StandInCatalog;
  jobDurations?: JobDurations;
  maxConcurrentJobs?: number;
  /** Fixed ports (`local up --port`): Personalize, Step Functions, S3, DynamoDB, Lambda from this one up. */
  basePort?: number;
  injectFault?: (functionKey: string, invocationNumber: number) => InjectedFault | undefined;
  /**
   * false: uploads produce notifications (see `notifications()`) but nobody delivers them, so a
   * test can deliver one as often and as concurrently as S3's at-least-once delivery might.
   */
  deliverUploads?: boolean;
  /** Overrides of the stage defaults, as `serverless deploy --param` would set them. */
  defaults?: Partial<RunDefaults>;
  /** Randomness for the capacity queue's jitter (tests pin it). */
  random?: () => number;
  /** Handler log level; the handlers' JSON logs drown the CLI's progress unless asked for. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

export interface LocalEnvironment {
  region: string;
  clock: Clock;
  endpoints: { personalize: string; stepFunctions: string; s3: string; dynamodb: string; lambda: string };
  bucket: string;
  runsTable: string;
  stateMachineArn: string;
  personalizeRoleArn: string;
  inputPrefix: string;
  outputPrefix: string;
  personalize: PersonalizeStandIn;
  stepFunctions: StepFunctionsStandIn;
  s3: S3Client;
  /** Uploads an input file; the bucket notification fires the trigger, as in AWS. */
  upload(key: string, body: string | Uint8Array): Promise<void>;
  /** Resolves with each trigger invocation's summary once every notification so far is handled. */
  triggersSettled(): Promise<TriggerSummary[]>;
  /** Every S3 notification the bucket sent the trigger so far (delivered or not). */
  notifications(): S3Event[];
  /** Delivers an upload event to the trigger directly (redeliveries, EventBridge events). */
  deliverS3Event(event: TriggerEvent): Promise<TriggerSummary>;
  getRunRecord(runId: string): Promise<RunRecord | undefined>;
  /** Resolves once every closed-execution event so far has been handled by recordClosedExecution. */
  closedExecutionsSettled(): Promise<void>;
  /** The deployed functions' handlers by their serverless.yml key, wired to the stand-ins. */
  functions: Record<'trigger' | 'startJob' | 'getJobStatus' | 'recordRun' | 'recordClosedExecution', LocalLambdaHandler>;
  close(): Promise<void>;
}

/**
 * Starts the whole service on this machine: S3 (s3rver), DynamoDB (dynalite), the Personalize and
 * Step Functions stand-ins, and the deployed ASL running the deployed handlers. Every handler talks
 * to its stand-in through the real AWS SDK client, by endpoint, exactly as it talks to AWS.
 */
export async function startLocalEnvironment(options: LocalEnvironmentOptions = {}): Promise<LocalEnvironment> {
  const time = options.time ?? 'virtual';
  const virtualClock = time === 'virtual' ? new VirtualClock(Date.now()) : undefined;
  const clock: Clock = virtualClock ?? systemClock;
  const now = () => clock.now();
  const port = (offset: number) => (options.basePort === undefined ? 0 : options.basePort + offset);
  const closers: Array<() => Promise<void>> = [];

  try {
    const localS3: LocalS3 = await startLocalS3({ port: port(2) });
    closers.push(() => localS3.close());
    const localDynamoDb: LocalDynamoDb = await startLocalDynamoDb({ port: port(3) });
    closers.push(() => localDynamoDb.close());
    const personalize = await startPersonalizeStandIn({
      s3Endpoint: localS3.endpoint,
      clock,
      port: port(0),
      ...(options.catalog && { catalog: options.catalog }),
      ...(options.jobDurations && { durations: options.jobDurations }),
      ...(options.maxConcurrentJobs !== undefined && { maxConcurrentJobs: options.maxConcurrentJobs }),
      // In real time nobody may be polling when a job falls due; finish it anyway so its output appears.
      ...(time === 'realtime' && { sweepIntervalMs: 250 }),
    });
    closers.push(() => personalize.close());

    const clientBase = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const s3 = localS3Client(localS3.endpoint);
    const dynamodb = new DynamoDBClient({ ...clientBase, endpoint: localDynamoDb.endpoint });
    // The SDK retries LimitExceededException itself, with real-time backoff. In virtual time those
    // real seconds are not seen by the stand-in's clock while other runs' waits move it by hours,
    // so the refusal goes straight to the run's own capacity loop, the behaviour under test.
    const personalizeClient = new PersonalizeClient({
      ...clientBase,
      endpoint: personalize.endpoint,
      ...(virtualClock && { maxAttempts: 1 }),
    });
    closers.push(async () => {
      s3.destroy();
      dynamodb.destroy();
      personalizeClient.destroy();
    });

    await s3.send(new CreateBucketCommand({ Bucket: LOCAL_BUCKET }));
    await dynamodb.send(
      new CreateTableCommand({
        TableName: LOCAL_RUNS_TABLE,
        AttributeDefinitions: [{ AttributeName: 'runId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'runId', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );

    const logger = new Logger({ serviceName: SERVICE_NAME, logLevel: options.logLevel ?? 'SILENT' });
    const jobs = new PersonalizeBatchJobs({ client: personalizeClient });
    const runsStore = new DynamoDbRunsStore(LOCAL_RUNS_TABLE, { client: dynamodb });
    const defaultSolutionVersionArn = personalize.catalog.solutionVersions[0]?.arn;
    const bucketObjects = new DataBucketObjects({ client: s3 });
    const handlers = {
      startJob: createStartJobHandler(
        {
          jobs,
          defaults: {
            solutionVersionArn: defaultSolutionVersionArn,
            roleArn: LOCAL_PERSONALIZE_ROLE_ARN,
            outputBaseUri: `s3://${LOCAL_BUCKET}/${OUTPUT_PREFIX}`,
            ...options.defaults,
          },
          layout: { bucket: LOCAL_BUCKET, inputPrefix: INPUT_PREFIX, configPrefix: CONFIG_PREFIX, stagingPrefix: STAGING_PREFIX },
          configs: bucketObjects,
          staging: bucketObjects,
          progress: runsStore,
          now,
          ...(options.random && { random: options.random }),
        },
        logger,
      ),
      getJobStatus: createGetJobStatusHandler({ jobs, now }, logger),
      recordRun: createRecordRunHandler({ store: runsStore, now }, logger),
    };
    const waits: WaitStrategy = virtualClock
      ? virtualTimeWaits(virtualClock, options.realMsPerWait ?? 0)
      : realTimeWaits({ scale: 0.02, maxMs: 1000 });
    const runner = createLocalRunner({
      definition: definition as unknown as AslDefinition,
      handlers: handlers as never,
      waits,
      retryIntervalMs: options.retryIntervalMs ?? 0,
      ...(options.injectFault && { injectFault: options.injectFault }),
    });
    const stepFunctions = await startStepFunctionsStandIn({
      stateMachines: [
        { name: LOCAL_STATE_MACHINE_NAME, definition: JSON.stringify(definition), roleArn: STATE_MACHINE_ROLE_ARN, runner },
      ],
      clock,
      port: port(1),
    });
    closers.push(() => stepFunctions.close());
    const stateMachineArn = stepFunctions.stateMachineArn(LOCAL_STATE_MACHINE_NAME);

    const sfn = new SFNClient({ ...clientBase, endpoint: stepFunctions.endpoint });
    closers.push(async () => sfn.destroy());
    const trigger = createTriggerHandler(
      {
        executions: new StepFunctionsExecutions(stateMachineArn, { client: sfn }),
        objects: bucketObjects,
        ledger: runsStore,
        filter: { inputPrefix: INPUT_PREFIX, inputSuffixes: INPUT_SUFFIXES },
        dataBucket: LOCAL_BUCKET,
        now,
      },
      logger,
    );
    const deliverS3Event = (event: TriggerEvent) => invokeAsync(() => trigger(event, localLambdaContext('trigger')));

    // The EventBridge rule in serverless.yml: an execution that closes FAILED, TIMED_OUT or ABORTED
    // sends "Step Functions Execution Status Change" to recordClosedExecution.
    const recordClosedExecution = createRecordClosedExecutionHandler({ runs: runsStore, now }, logger);
    const pendingClosures: Array<Promise<unknown>> = [];
    stepFunctions.onHistoryEvent((executionArn, event) => {
      if (event.type !== 'ExecutionFailed' && event.type !== 'ExecutionTimedOut' && event.type !== 'ExecutionAborted') return;
      const delivery = stepFunctions
        .waitForExecution(executionArn)
        .then((execution) => invokeAsync(() => recordClosedExecution(statusChangeEvent(execution), localLambdaContext('recordClosedExecution'))));
      delivery.catch(() => undefined);
      pendingClosures.push(delivery);
    });

    // Lambda's Invoke API over the same handlers, for callers outside this process (the CLI's
    // `local fire-schedule`, `aws lambda invoke --endpoint-url`).
    const lambda = await startLambdaStandIn({
      functions: { ...handlers, trigger, recordClosedExecution } as LocalEnvironment['functions'],
      functionNamePrefix: `${SERVICE_NAME}-${LOCAL_STAGE}-`,
      port: port(4),
    });
    closers.push(() => lambda.close());

    const pendingTriggers: Array<Promise<TriggerSummary>> = [];
    const notifications: S3Event[] = [];
    // The bucket's notification configuration in serverless.yml: object-created events under the
    // input prefix go to the trigger; nothing else does (config files, staged copies, output).
    localS3.onObjectEvent((event) => {
      const notified = event.Records.some(
        (record) =>
          record.s3.bucket.name === LOCAL_BUCKET &&
          record.eventName.startsWith('ObjectCreated:') &&
          decodeS3EventKey(record.s3.object.key).startsWith(INPUT_PREFIX),
      );
      if (notified) {
        notifications.push(event);
        if (options.deliverUploads === false) return;
        const delivery = deliverS3Event(event);
        // Failures stay in the promise for triggersSettled(); never an unhandled rejection.
        delivery.catch(() => undefined);
        pendingTriggers.push(delivery);
      }
    });

    return {
      region: LOCAL_REGION,
      clock,
      endpoints: {
        personalize: personalize.endpoint,
        stepFunctions: stepFunctions.endpoint,
        s3: localS3.endpoint,
        dynamodb: localDynamoDb.endpoint,
        lambda: lambda.endpoint,
      },
      bucket: LOCAL_BUCKET,
      runsTable: LOCAL_RUNS_TABLE,
      stateMachineArn,
      personalizeRoleArn: LOCAL_PERSONALIZE_ROLE_ARN,
      inputPrefix: INPUT_PREFIX,
      outputPrefix: OUTPUT_PREFIX,
      personalize,
      stepFunctions,
      s3,
      async upload(key, body) {
        await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: key, Body: body }));
      },
      triggersSettled: () => Promise.all(pendingTriggers),
      notifications: () => [...notifications],
      deliverS3Event,
      getRunRecord: (runId) => runsStore.get(runId),
      closedExecutionsSettled: () => Promise.allSettled(pendingClosures).then(() => undefined),
      functions: { ...handlers, trigger, recordClosedExecution } as LocalEnvironment['functions'],
      async close() {
        await stepFunctions.idle().catch(() => undefined);
        await Promise.allSettled(pendingClosures);
        await closeAll(closers);
      },
    };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

/**
 * S3 invokes its notification target asynchronously, and Lambda retries a failed async invocation
 * twice. The deterministic execution names are what keep those retries from starting a run twice.
 */
async function invokeAsync<T>(invoke: () => Promise<T>, attempts = 3): Promise<T> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await invoke();
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function closeAll(closers: Array<() => Promise<void>>): Promise<void> {
  for (const close of closers.reverse()) {
    await close().catch(() => undefined);
  }
}

/** The event EventBridge delivers when an execution closes, as Step Functions publishes it. */
function statusChangeEvent(execution: ExecutionSnapshot): ExecutionStatusChangeEvent {
  return {
    version: '0',
    id: globalThis.crypto.randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: LOCAL_ACCOUNT_ID,
    time: (execution.stopDate ?? new Date()).toISOString(),
    region: LOCAL_REGION,
    resources: [execution.executionArn],
    detail: {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate.getTime(),
      stopDate: execution.stopDate?.getTime() ?? null,
      error: execution.error ?? null,
      cause: execution.cause ?? null,
    },
  };
}
