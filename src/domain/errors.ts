/**
 * Errors a run can end with, by kind, after Powertools' `errors.ts`. Each class sets `name` to a
 * literal because Lambda reports `error.name` as the `errorType`, and the state machine's
 * Retry/Catch match on that string (minifiers rename classes, so `constructor.name` would not do).
 *
 * - final: the run cannot succeed however often it is retried (its input, Personalize's verdict).
 * - transient: the outside world is busy; retrying later may work.
 * - configuration: the deployment is wrong; no run of this stage can succeed until it is fixed.
 */
export type ErrorKind = 'final' | 'transient' | 'configuration';

/** Base of every error the orchestrator raises on purpose; `kind` tells logs and retries apart. */
export abstract class OrchestratorError extends Error {
  abstract readonly kind: ErrorKind;

  protected constructor(message: string, options?: ErrorOptions) {
    super(boundedMessage(message), options);
  }
}

/**
 * The longest message an orchestrator error carries. A caught error travels on the state (as its
 * Cause, message and stack) to "Record run", beside a copy of the execution input, and ends in the
 * record and the Fail state: bounded, it keeps every step under Step Functions' 262,144 bytes.
 */
export const ERROR_MESSAGE_MAX_LENGTH = 2000;

function boundedMessage(message: string): string {
  if (message.length <= ERROR_MESSAGE_MAX_LENGTH) return message;
  const omitted = message.length - ERROR_MESSAGE_MAX_LENGTH;
  return `${message.slice(0, ERROR_MESSAGE_MAX_LENGTH)}… (${omitted} more characters)`;
}

/** Base of the errors that end a run on their first occurrence: the state machine never retries them. */
export abstract class FinalRunError extends OrchestratorError {
  readonly kind = 'final';
}

/** Base of the errors worth retrying later: Personalize throttling or busy. */
export abstract class TransientRunError extends OrchestratorError {
  readonly kind = 'transient';
}

/**
 * A deployment problem, e.g. a required environment variable is missing or malformed; reported at
 * cold start. Also the base of the configuration kind, so a more specific one can extend it.
 */
export class ConfigurationError extends OrchestratorError {
  readonly kind = 'configuration';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigurationError';
  }
}

export interface InputIssue {
  /** Dotted path of the offending field in the execution input, e.g. `numResults` or `tags.0.tagKey`. */
  field: string;
  message: string;
}

/** The execution input (or the configuration merged into it) does not describe a valid job. */
export class InvalidRunInputError extends FinalRunError {
  readonly issues: InputIssue[];

  constructor(issues: InputIssue[], options?: ErrorOptions) {
    super(
      `Invalid run input: ${issues.map((issue) => (issue.field ? `${issue.field}: ${issue.message}` : issue.message)).join('; ')}`,
      options,
    );
    this.name = 'InvalidRunInputError';
    this.issues = issues;
  }
}

/** Personalize refused the job request for a reason retrying will not fix. */
export class JobRejectedError extends FinalRunError {
  constructor(
    message: string,
    /** Personalize's exception name, e.g. `ResourceNotFoundException`, when it gave one. */
    readonly personalizeErrorType?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'JobRejectedError';
  }
}

/** The run waited for a free Personalize job slot longer than its `maxQueueSeconds`. */
export class CapacityWaitExceededError extends FinalRunError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CapacityWaitExceededError';
  }
}

/** The job we polled has vanished or is not the job this run started. */
export class JobLostError extends FinalRunError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'JobLostError';
  }
}

/**
 * Personalize is throttling us or at its concurrent-job quota. The state machine retries this
 * with backoff; it is not a property of the run's input.
 */
export class PersonalizeBusyError extends TransientRunError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PersonalizeBusyError';
  }
}

/**
 * The `name` of every final and configuration error: the state machine's first retrier on every
 * Task lists exactly these with `MaxAttempts: 0` (a test holds the ASL to this list), so they end
 * the run on their first occurrence instead of falling into the `States.TaskFailed` retrier.
 */
export const NON_RETRIED_ERROR_NAMES: readonly string[] = Object.freeze([
  'InvalidRunInputError',
  'JobRejectedError',
  'CapacityWaitExceededError',
  'JobLostError',
  'ConfigurationError',
]);
