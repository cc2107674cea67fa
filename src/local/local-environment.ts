import './polyfills';
import type { S3Event } from 'aws-lambda';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { Logger } from '@aws-lambda-powertools/logger';
import definition from '../../statemachine/batch-inference.asl.json';
import { DynamoDbRunsStore } from '../adapters/runs-table';
import type { RunRecord } from '../domain/run';
import type { TriggerEvent, TriggerSummary } from '../use-cases/trigger';
import { SERVICE_NAME } from '../middleware/handler-kit';
import { invokeAsync } from './async-invocation';
import { EmfCapture } from './emf-capture';
import { deliverClosedExecutionEvents } from './closed-execution-events';
import { VirtualClock, systemClock, type Clock } from './clock';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-aws';
import { startLocalDynamoDb, type LocalDynamoDb } from './local-dynamodb';
import { composeEventFunctions, composeStateMachineFunctions, localFunctionEnvironment, type FunctionKey, type LocalRunDefaults } from './local-functions';
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
import {
  INPUT_PREFIX,
  LOCAL_BUCKET,
  LOCAL_PERSONALIZE_ROLE_ARN,
  LOCAL_RUNS_TABLE,
  LOCAL_STAGE,
  LOCAL_STATE_MACHINE_NAME,
  LOCAL_STATE_MACHINE_ROLE_ARN,
  OUTPUT_PREFIX,
} from './local-stage';
import { startPersonalizeStandIn, type JobDurations, type PersonalizeStandIn, type StandInCatalog } from './personalize';
import { notifyTriggerOfUploads } from './s3-notifications';
import { startStepFunctionsStandIn, type StepFunctionsStandIn } from './step-functions';

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
  /**
   * Overrides of the stage defaults, as `serverless deploy --param` would set them (they reach
   * startJob as its environment variables); `undefined` removes a default.
   */
  defaults?: LocalRunDefaults;
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
  /** The run metrics the functions emitted (EMF documents, as Lambda would print them). */
  metrics: EmfCapture;
  /** The deployed functions' handlers by their serverless.yml key, wired to the stand-ins. */
  functions: Record<FunctionKey, LocalLambdaHandler>;
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
    const { env, cleared } = localFunctionEnvironment({
      defaultSolutionVersionArn: personalize.catalog.solutionVersions[0]?.arn,
      defaults: options.defaults,
    });
    const metrics = new EmfCapture();
    const wiring = { env, cleared, now, logger, random: options.random, metricsOutput: metrics.write };
    const stateMachineFunctions = composeStateMachineFunctions({ ...wiring, clients: { s3, dynamodb, personalize: personalizeClient } });
    const waits: WaitStrategy = virtualClock
      ? virtualTimeWaits(virtualClock, options.realMsPerWait ?? 0)
      : realTimeWaits({ scale: 0.02, maxMs: 1000 });
    const runner = createLocalRunner({
      definition: definition as unknown as AslDefinition,
      handlers: stateMachineFunctions,
      waits,
      retryIntervalMs: options.retryIntervalMs ?? 0,
      ...(options.injectFault && { injectFault: options.injectFault }),
    });
    const stepFunctions = await startStepFunctionsStandIn({
      stateMachines: [
        { name: LOCAL_STATE_MACHINE_NAME, definition: JSON.stringify(definition), roleArn: LOCAL_STATE_MACHINE_ROLE_ARN, runner },
      ],
      clock,
      port: port(1),
    });
    closers.push(() => stepFunctions.close());
    const stateMachineArn = stepFunctions.stateMachineArn(LOCAL_STATE_MACHINE_NAME);

    const sfn = new SFNClient({ ...clientBase, endpoint: stepFunctions.endpoint });
    closers.push(async () => sfn.destroy());
    const eventFunctions = composeEventFunctions({
      ...wiring,
      env: { ...env, STATE_MACHINE_ARN: stateMachineArn },
      clients: { s3, dynamodb, stepFunctions: sfn },
    });
    const functions: LocalEnvironment['functions'] = { ...stateMachineFunctions, ...eventFunctions };
    const deliverS3Event = (event: TriggerEvent) =>
      invokeAsync(() => eventFunctions.trigger(event as never, localLambdaContext('trigger')) as Promise<TriggerSummary>);
    const closedExecutionsSettled = deliverClosedExecutionEvents(stepFunctions, eventFunctions.recordClosedExecution);

    // Lambda's Invoke API over the same handlers, for callers outside this process (the CLI's
    // `local fire-schedule`, `aws lambda invoke --endpoint-url`).
    const lambda = await startLambdaStandIn({ functions, functionNamePrefix: `${SERVICE_NAME}-${LOCAL_STAGE}-`, port: port(4) });
    closers.push(() => lambda.close());

    const notifications = notifyTriggerOfUploads(localS3, {
      bucket: LOCAL_BUCKET,
      inputPrefix: INPUT_PREFIX,
      deliver: options.deliverUploads === false ? false : deliverS3Event,
    });
    // Reads the table as an operator would; the functions have their own stores.
    const runsTable = new DynamoDbRunsStore(LOCAL_RUNS_TABLE, { client: dynamodb });

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
      triggersSettled: () => notifications.settled(),
      notifications: () => notifications.sent(),
      deliverS3Event,
      getRunRecord: (runId) => runsTable.get(runId),
      closedExecutionsSettled,
      metrics,
      functions,
      async close() {
        await stepFunctions.idle().catch(() => undefined);
        await closedExecutionsSettled();
        await closeAll(closers);
      },
    };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

async function closeAll(closers: Array<() => Promise<void>>): Promise<void> {
  for (const close of closers.reverse()) {
    await close().catch(() => undefined);
  }
}
