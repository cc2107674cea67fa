import type { AsyncInvocationFailure } from './failure-queue';
import type { Clock } from './clock';
import type { EmfCapture } from './emf-capture';
import type { EntryFailure, PublishedEvent } from './eventbridge';
import type { ExecutionLimitOptions } from './local-runner-limits';
import type { FaultPlan } from './faults';
import type { FunctionKey, LocalRunDefaults } from './local-functions';
import type { InjectedFault, LocalLambdaHandler } from './local-runner';
import type { JobDurations, PersonalizeStandIn, StandInCatalog } from './personalize';
import type { RunRecord } from '../domain/run';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import type { StepFunctionsStandIn } from './step-functions';
import type { TriggerEvent, TriggerSummary } from '../use-cases/trigger';

/** The shapes of the local environment: what it takes (`LocalEnvironmentOptions`) and what it gives (`LocalEnvironment`). */
export interface LocalEnvironmentOptions {
  /**
   * `virtual` (tests, `personalize-batch run`): a discrete-event clock (`VirtualClock`): each Wait
   * and retry interval registers its own wake-up, and once every execution is blocked on the clock
   * it jumps to the earliest one, so an hour of polling takes milliseconds and each run records the
   * times Step Functions would. `realtime` (`personalize-batch local up`): wall-clock time, for
   * other tools watching the jobs (Waits and retry intervals shortened 50×, at most 1 s).
   */
  time?: 'virtual' | 'realtime';
  /** Real milliseconds before each jump of the virtual clock (for visible progress). */
  realMsPerWait?: number;
  /** Real time only: the longest real pause of a Wait or a retry interval, in ms (default 1000). */
  retryIntervalMs?: number;
  /** Step Functions quotas the runner enforces (payload bytes, history events); tests lower them. */
  limits?: ExecutionLimitOptions;
  catalog?: StandInCatalog;
  jobDurations?: JobDurations;
  /** The stage's `maxConcurrentJobs` (the job slots of each job type), and Personalize's quota unless `personalizeQuota` is set. */
  maxConcurrentJobs?: number;
  /**
   * Personalize's own quota of concurrent jobs of each type, when it differs from the stage's
   * `maxConcurrentJobs` (a stage set higher than the account's quota): the stand-in refuses with LimitExceededException.
   */
  personalizeQuota?: number;
  /**
   * false: no 5-minute sweepJobSlots schedule (tests of what happens without it: a lost wake-up is
   * then recovered by the waiting Task's HeartbeatSeconds). Default: it fires every 5 minutes of the
   * environment's time while an execution runs.
   */
  sweepJobSlots?: false;
  /**
   * Fixed ports (`local up --port`): Personalize, Step Functions, S3, DynamoDB, Lambda, EventBridge
   * from this one up (offsets 0-5; `local up` puts CloudFormation on +6 and the failure queue on +7).
   */
  basePort?: number;
  /**
   * Keeps buckets (s3rver's directory, `DIR/s3`), tables (dynalite's LevelDB, `DIR/dynamodb`) and
   * the trigger's failure queue (`DIR/failures.json`) across restarts; created if missing.
   */
  dataDir?: string;
  injectFault?: (functionKey: string, invocationNumber: number) => InjectedFault | undefined;
  /**
   * Failures on demand (the `local.faults` section of a config file): service errors injected in
   * front of the stand-ins, Personalize jobs that stick or vanish, Lambda errors, timeouts and
   * crashes. `injectFault`, when given, takes precedence over the plan's Lambda faults.
   */
  faults?: FaultPlan;
  /**
   * false: uploads produce notifications (see `notifications()`) but nobody delivers them, so a
   * test can deliver one as often and as concurrently as S3's at-least-once delivery might.
   */
  deliverUploads?: boolean;
  /**
   * false: the data bucket's notifications of job output files (`output/…/*.out`) are sent but never
   * delivered to jobOutputCreated, as if S3 lost them: runs see their jobs end by the safety poll.
   */
  deliverOutputEvents?: boolean;
  /**
   * Overrides of the stage defaults, as `serverless deploy --param` would set them (they reach
   * startJob as its environment variables); `undefined` removes a default.
   */
  defaults?: LocalRunDefaults;
  /** Randomness for the capacity queue's jitter (tests pin it). */
  random?: () => number;
  /** Fails EventBridge entries the stand-in would accept (tests of the publication's retries). */
  injectEventFailure?: (entryNumber: number) => EntryFailure | undefined;
  /** Handler log level; the handlers' JSON logs drown the CLI's progress unless asked for. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

export interface LocalEnvironment {
  region: string;
  clock: Clock;
  endpoints: { personalize: string; stepFunctions: string; s3: string; dynamodb: string; lambda: string; eventBridge: string; failures: string };
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
  /** Every S3 notification of a job output file the bucket sent jobOutputCreated so far (delivered or not). */
  outputNotifications(): S3Event[];
  /** Hears every trigger invocation's summary (uploads, schedule ticks); returns the unsubscribe function. */
  onTriggerSummary(listener: (summary: TriggerSummary) => void): () => void;
  /** Delivers an upload event to the trigger directly (redeliveries, EventBridge events). */
  deliverS3Event(event: TriggerEvent): Promise<TriggerSummary>;
  getRunRecord(runId: string): Promise<RunRecord | undefined>;
  /** Resolves once every closed-execution event so far has been handled by recordClosedExecution. */
  closedExecutionsSettled(): Promise<void>;
  /**
   * The events published on the default EventBridge bus so far (one per final run record, from
   * recordClosedExecution), as a rule's target would receive them. Await `closedExecutionsSettled()` first.
   */
  publishedEvents(): PublishedEvent[];
  /** The run metrics the functions emitted (EMF documents, as Lambda would print them). */
  metrics: EmfCapture;
  /** The deployed functions' handlers by their serverless.yml key, wired to the stand-ins. */
  functions: Record<FunctionKey, LocalLambdaHandler>;
  /**
   * Trigger invocations that failed after Lambda's async retries (S3 notifications, schedule ticks
   * sent as `Event` invocations), as the stack's on-failure queue receives them; oldest first.
   */
  failures(): AsyncInvocationFailure[];
  /**
   * Delivers a failure's original event to the trigger again and removes it from the queue; a replay
   * that fails again lands in the queue as a new record. The trigger's deterministic execution names
   * keep a replay of an event that did start its run from starting a second one.
   *
   * @throws Error when no failure has this id.
   */
  replayFailure(id: string): Promise<TriggerSummary>;
  /**
   * StopExecution for every running execution (Ctrl-C of `local up`), then waits until
   * recordClosedExecution has recorded each one ABORTED. Returns how many were stopped.
   */
  stopRunningExecutions(cause: string): Promise<number>;
  /** Faults the plan injected so far, by kind (empty without a plan). */
  faultsInjected(): Record<string, number>;
  close(): Promise<void>;
}
