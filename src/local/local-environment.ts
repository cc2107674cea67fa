import './polyfills';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLocalTables } from './local-tables';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { loadDataDir, saveDataDir, stopRunningExecutions } from './data-dir';
import { Logger } from '@aws-lambda-powertools/logger';
import definition from '../../statemachine/batch-inference.asl.json';
import { DynamoDbRunsStore } from '../adapters/runs-table';
import type { TriggerEvent, TriggerSummary } from '../use-cases/trigger';
import { SERVICE_NAME } from '../middleware/handler-kit';
import { invokeAsync } from './async-invocation';
import { EmfCapture } from './emf-capture';
import { serveFailureQueue } from './failure-queue';
import { deliverClosedExecutionEvents } from './closed-execution-events';
import { VirtualClock, realTimeSleeper, systemClock, type Clock } from './clock';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from './local-aws';
import { startLocalDynamoDb, type LocalDynamoDb } from './local-dynamodb';
import { composeEventFunctions, composeStateMachineFunctions, localFunctionEnvironment } from './local-functions';
import { startEventBridgeStandIn } from './eventbridge';
import { startLocalFaults } from './faults';
import { TaskTokens } from './step-functions/task-tokens';
import { scheduleJobSlotSweeps } from './job-slots-schedule';
import { startLambdaStandIn } from './lambda';
import { localS3Client, startLocalS3, type LocalS3 } from './local-s3';
import { createLocalRunner, localLambdaContext, type AslDefinition, type LocalLambdaHandler } from './local-runner';
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
import { startPersonalizeStandIn } from './personalize';
import { notifyJobOutputCreated, notifyTriggerOfUploads } from './s3-notifications';
import { startStepFunctionsStandIn } from './step-functions';
import { holdClockDuringRequests, virtualTimeRetryStrategy } from './virtual-time-clients';
import type { LocalEnvironment, LocalEnvironmentOptions } from './local-environment-types';

export type { LocalEnvironment, LocalEnvironmentOptions };

/**
 * Starts the whole service on this machine: S3 (s3rver), DynamoDB (dynalite), the Personalize and
 * Step Functions stand-ins, and the deployed ASL running the deployed handlers. Every handler talks
 * to its stand-in through the real AWS SDK client, by endpoint, exactly as it talks to AWS.
 */
export async function startLocalEnvironment(options: LocalEnvironmentOptions = {}): Promise<LocalEnvironment> {
  const time = options.time ?? 'virtual';
  const virtualClock = time === 'virtual' ? new VirtualClock(Date.now(), { realMsPerJump: options.realMsPerWait ?? 0 }) : undefined;
  // Every client local mode creates holds the virtual clock while its requests are in flight, and
  // retries as the SDK does but without real pauses (see virtual-time-clients.ts).
  const virtualTime = <C extends Parameters<typeof holdClockDuringRequests>[0]>(client: C): C =>
    virtualClock ? holdClockDuringRequests(client, virtualClock) : client;
  const retryStrategy = virtualClock ? { retryStrategy: virtualTimeRetryStrategy() } : {};
  const clock: Clock = virtualClock ?? systemClock;
  // `local up` (real time): pauses shortened 50×; Waits and retry intervals at most 1 s (visible
  // progress); the waits that end by their events (task tokens, the sweep's schedule) uncapped, at least 10 s.
  const shortened = (maxMs = Number.POSITIVE_INFINITY) => realTimeSleeper({ scale: 0.02, maxMs, minMs: maxMs === Number.POSITIVE_INFINITY ? 10_000 : 0 });
  const now = () => clock.now();
  const port = (offset: number) => (options.basePort === undefined ? 0 : options.basePort + offset);
  const closers: Array<() => Promise<void>> = [];
  const dataDir = options.dataDir;
  const { s3Directory, dynamoDbPath, jobStores, restoredExecutions, failureQueue } = await loadDataDir(dataDir);

  try {
    const localS3: LocalS3 = await startLocalS3({ port: port(2), ...(s3Directory && { directory: s3Directory }) });
    closers.push(() => localS3.close());
    const localDynamoDb: LocalDynamoDb = await startLocalDynamoDb({ port: port(3), ...(dynamoDbPath && { path: dynamoDbPath }) });
    closers.push(() => localDynamoDb.close());
    const personalize = await startPersonalizeStandIn({
      s3Endpoint: localS3.endpoint,
      clock,
      port: port(0),
      stores: jobStores,
      ...(options.catalog && { catalog: options.catalog }),
      ...(options.jobDurations && { durations: options.jobDurations }),
      ...((options.personalizeQuota ?? options.maxConcurrentJobs) !== undefined && { maxConcurrentJobs: options.personalizeQuota ?? options.maxConcurrentJobs }),
      // A job's output appears as it ends: a sweep timer in real time, a wake-up on the virtual clock.
      ...(time === 'realtime' && { sweepIntervalMs: 250 }),
      ...(virtualClock && { scheduler: virtualClock }),
    });
    closers.push(() => personalize.close());
    const faults = await startLocalFaults(options.faults, { s3: localS3.endpoint, dynamodb: localDynamoDb.endpoint, personalize: personalize.endpoint });
    closers.push(() => faults.close());

    const clientBase = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const s3 = virtualTime(localS3Client(faults.endpoints.s3, retryStrategy));
    const dynamodb = virtualTime(new DynamoDBClient({ ...clientBase, ...retryStrategy, endpoint: faults.endpoints.dynamodb }));
    // One attempt per call in virtual time: the SDK's retries of a refusal (LimitExceededException)
    // would meet it again at the same instant; the job slot queue takes it at once, as handlers take injected throttling.
    const personalizeClient = virtualTime(new PersonalizeClient({ ...clientBase, ...(virtualClock && { maxAttempts: 1 }), endpoint: faults.endpoints.personalize }));
    closers.push(async () => [s3, dynamodb, personalizeClient].forEach((client) => client.destroy()));
    // With a data dir the bucket and tables may be there from the last start.
    const unlessKept = (error: { name?: string }) => {
      if (!dataDir || !['BucketAlreadyOwnedByYou', 'BucketAlreadyExists', 'ResourceInUseException'].includes(error.name ?? '')) throw error;
    };
    await s3.send(new CreateBucketCommand({ Bucket: LOCAL_BUCKET })).catch(unlessKept);
    await createLocalTables(dynamodb, unlessKept);

    const logger = new Logger({ serviceName: SERVICE_NAME, logLevel: options.logLevel ?? 'SILENT' });
    const { env, cleared } = localFunctionEnvironment({
      defaultSolutionVersionArn: personalize.catalog.solutionVersions[0]?.arn,
      defaults: options.defaults,
      maxConcurrentJobs: options.maxConcurrentJobs,
    });
    const metrics = new EmfCapture();
    const wiring = { env, cleared, now, logger, random: options.random, metricsOutput: metrics.write };
    // The state machine's functions call the Step Functions stand-in (SendTaskSuccess), which needs
    // the runner that calls them: the stand-in starts first, with the runner it gets once composed.
    const taskTokens = new TaskTokens();
    const late: { runner?: ReturnType<typeof createLocalRunner> } = {};
    const stepFunctions = await startStepFunctionsStandIn({
      stateMachines: [
        {
          name: LOCAL_STATE_MACHINE_NAME,
          definition: JSON.stringify(definition),
          roleArn: LOCAL_STATE_MACHINE_ROLE_ARN,
          runner: (request, emit, closed) => (late.runner as NonNullable<typeof late.runner>)(request, emit, closed),
        },
      ],
      clock,
      port: port(1),
      restoredExecutions,
      taskTokens,
    });
    closers.push(() => stepFunctions.close());
    const stateMachineArn = stepFunctions.stateMachineArn(LOCAL_STATE_MACHINE_NAME);
    const sfn = virtualTime(new SFNClient({ ...clientBase, ...retryStrategy, endpoint: stepFunctions.endpoint }));
    closers.push(async () => sfn.destroy());
    const stateMachineFunctions = composeStateMachineFunctions({ ...wiring, clients: { s3, dynamodb, personalize: personalizeClient, stepFunctions: sfn } });
    late.runner = createLocalRunner({
      definition: definition as unknown as AslDefinition,
      handlers: stateMachineFunctions,
      time: virtualClock
        ? { mode: 'virtual', clock: virtualClock }
        : { mode: 'realtime', sleeper: shortened(options.retryIntervalMs ?? 1000), taskTimeoutSleeper: shortened() },
      taskTokens,
      ...(options.random && { random: options.random }),
      ...(options.limits && { limits: options.limits }),
      ...((options.injectFault ?? faults.injectFault) && { injectFault: options.injectFault ?? faults.injectFault }),
    });

    const eventBridgeStandIn = await startEventBridgeStandIn({
      clock,
      port: port(5),
      ...(options.injectEventFailure && { injectEntryFailure: (_entry, entryNumber) => options.injectEventFailure?.(entryNumber) }),
    });
    closers.push(() => eventBridgeStandIn.close());
    const eventBridge = virtualTime(new EventBridgeClient({ ...clientBase, ...retryStrategy, endpoint: eventBridgeStandIn.endpoint }));
    closers.push(async () => eventBridge.destroy());
    const eventFunctions = composeEventFunctions({
      ...wiring,
      env: { ...env, STATE_MACHINE_ARN: stateMachineArn },
      clients: { s3, dynamodb, personalize: personalizeClient, stepFunctions: sfn, eventBridge },
    });
    // Every way in (uploads, the Lambda Invoke API) goes through this one trigger, so `local up` hears each summary.
    const triggerListeners = new Set<(summary: TriggerSummary) => void>();
    const injectFault = options.injectFault ?? faults.injectFault;
    let triggerInvocations = 0;
    const trigger: LocalLambdaHandler = async (event, context) => {
      // The plan's trigger faults: `error` before the handler runs, the others after it (its side effects stay).
      const fault = injectFault?.('trigger', ++triggerInvocations);
      if (typeof fault === 'string') throw Object.assign(new Error(`Injected fault: ${fault}`), { name: fault });
      const summary = (await eventFunctions.trigger(event, context)) as TriggerSummary;
      if (fault) throw Object.assign(new Error(`Injected fault after the handler ran: ${fault.error}`), { name: fault.error });
      for (const listener of triggerListeners) listener(summary);
      return summary;
    };
    const functions: LocalEnvironment['functions'] = { ...stateMachineFunctions, ...eventFunctions, trigger };
    const triggerArn = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${SERVICE_NAME}-${LOCAL_STAGE}-trigger`;
    const invokeTrigger = (event: TriggerEvent) =>
      invokeAsync(() => trigger(event as never, localLambdaContext('trigger')) as Promise<TriggerSummary>).catch((error: unknown) => {
        // Retries exhausted: Lambda sends the invocation record to the on-failure destination.
        failureQueue.add(triggerArn, event, error, 3, new Date(clock.now()));
        throw error;
      });
    // A trigger being delivered holds the virtual clock: the runs it starts start now.
    const deliverS3Event = (event: TriggerEvent) => (virtualClock ? virtualClock.track(() => invokeTrigger(event)) : invokeTrigger(event));
    const closedExecutionsSettled = deliverClosedExecutionEvents(stepFunctions, eventFunctions.recordClosedExecution);
    // The sweep's EventBridge schedule (rate(5 minutes) in serverless.yml), while executions run.
    if (options.sweepJobSlots !== false) {
      const stopSweeps = scheduleJobSlotSweeps({
        sleeper: virtualClock ?? shortened(),
        stepFunctions,
        sweep: () => eventFunctions.sweepJobSlots({} as never, localLambdaContext('sweepJobSlots')),
        onError: (error) => logger.error('sweepJobSlots failed', { error: error instanceof Error ? error.message : String(error) }),
      });
      closers.push(async () => stopSweeps());
    }

    // Lambda's Invoke API over the same handlers, for callers outside this process (the CLI's
    // `local fire-schedule`, `aws lambda invoke --endpoint-url`).
    const lambda = await startLambdaStandIn({
      functions,
      functionNamePrefix: `${SERVICE_NAME}-${LOCAL_STAGE}-`,
      port: port(4),
      // Only the trigger has an on-failure destination (serverless.yml); the others are not invoked async.
      onAsyncFailure: (key, event, error, attempts) => {
        if (key === 'trigger') failureQueue.add(triggerArn, event, error, attempts, new Date(clock.now()));
      },
    });
    closers.push(() => lambda.close());
    const failuresServer = await serveFailureQueue(failureQueue, port(7));
    closers.push(() => failuresServer.close());
    closers.push(() => failureQueue.save());

    const notifications = notifyTriggerOfUploads(localS3, {
      bucket: LOCAL_BUCKET,
      inputPrefix: INPUT_PREFIX,
      deliver: options.deliverUploads === false ? false : deliverS3Event,
    });
    // S3 invokes jobOutputCreated asynchronously (Lambda retries twice); the delivery holds the
    // virtual clock, so the run it wakes resumes at the instant the output was written.
    const outputNotifications = notifyJobOutputCreated(localS3, {
      bucket: LOCAL_BUCKET,
      outputPrefix: OUTPUT_PREFIX,
      deliver:
        options.deliverOutputEvents === false
          ? false
          : (event) => {
              const invoke = () => invokeAsync(() => eventFunctions.jobOutputCreated(event as never, localLambdaContext('jobOutputCreated')));
              return virtualClock ? virtualClock.track(invoke) : invoke();
            },
    });
    // Reads the table as an operator would; the functions have their own stores.
    const runsTable = new DynamoDbRunsStore(LOCAL_RUNS_TABLE, { client: dynamodb });

    return {
      region: LOCAL_REGION,
      clock,
      endpoints: {
        personalize: faults.endpoints.personalize,
        stepFunctions: stepFunctions.endpoint,
        s3: faults.endpoints.s3,
        dynamodb: faults.endpoints.dynamodb,
        lambda: lambda.endpoint,
        eventBridge: eventBridgeStandIn.endpoint,
        failures: failuresServer.endpoint,
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
      outputNotifications: () => outputNotifications.sent(),
      onTriggerSummary(listener) {
        triggerListeners.add(listener);
        return () => triggerListeners.delete(listener);
      },
      deliverS3Event,
      getRunRecord: (runId) => runsTable.get(runId),
      closedExecutionsSettled,
      publishedEvents: () => eventBridgeStandIn.events(),
      metrics,
      functions,
      failures: () => failureQueue.list(),
      async replayFailure(id) {
        const failure = failureQueue.get(id);
        if (!failure) throw new Error(`no failed trigger invocation ${id}`);
        failureQueue.remove(id);
        return deliverS3Event(failure.requestPayload as TriggerEvent);
      },
      async stopRunningExecutions(cause) {
        const stopped = await stopRunningExecutions(stepFunctions, sfn, cause);
        await closedExecutionsSettled();
        return stopped;
      },
      faultsInjected: () => faults.injected(),
      async close() {
        await stepFunctions.idle().catch(() => undefined);
        await closedExecutionsSettled();
        if (dataDir) await saveDataDir(dataDir, jobStores, stepFunctions);
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
