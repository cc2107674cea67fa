/**
 * Errors a run can end with. Each class sets `name` to a literal because Lambda reports
 * `error.name` as the `errorType`, and the state machine's Retry/Catch match on that string.
 */
export abstract class OrchestratorError extends Error {
  protected constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

export interface InputIssue {
  /** Dotted path of the offending field in the execution input, e.g. `numResults` or `tags.0.tagKey`. */
  field: string;
  message: string;
}

/** The execution input (or the configuration merged into it) does not describe a valid job. */
export class InvalidRunInputError extends OrchestratorError {
  readonly issues: InputIssue[];

  constructor(issues: InputIssue[]) {
    super(
      `Invalid run input: ${issues.map((issue) => (issue.field ? `${issue.field}: ${issue.message}` : issue.message)).join('; ')}`,
    );
    this.name = 'InvalidRunInputError';
    this.issues = issues;
  }
}

/** Personalize refused the job request for a reason retrying will not fix. */
export class JobRejectedError extends OrchestratorError {
  constructor(
    message: string,
    readonly personalizeErrorType?: string,
  ) {
    super(message);
    this.name = 'JobRejectedError';
  }
}

/**
 * Personalize is throttling us or at its concurrent-job quota. The state machine retries this
 * with backoff; it is not a property of the run's input.
 */
export class PersonalizeBusyError extends OrchestratorError {
  constructor(message: string) {
    super(message);
    this.name = 'PersonalizeBusyError';
  }
}

/** The job we polled has vanished or is not the job this run started. */
export class JobLostError extends OrchestratorError {
  constructor(message: string) {
    super(message);
    this.name = 'JobLostError';
  }
}

/** A required environment variable is missing: a deployment problem, reported at cold start. */
export class ConfigurationError extends OrchestratorError {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/** The run waited for a free Personalize job slot longer than its `maxQueueSeconds`. */
export class CapacityWaitExceededError extends OrchestratorError {
  constructor(message: string) {
    super(message);
    this.name = 'CapacityWaitExceededError';
  }
}
