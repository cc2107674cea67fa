import { randomUUID } from 'node:crypto';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { AwsServiceError, startAwsJsonServer, type AwsJsonOperation } from '../aws-json-server';
import { systemClock } from '../clock';
import { LOCAL_ACCOUNT_ID, LOCAL_PARTITION, LOCAL_REGION } from '../local-aws';
import { executionArnFor, parseStatesArn, stateMachineArnFor } from './arns';
import { findExecutionNameViolation } from './execution-names';
import {
  type Execution,
  ExecutionStore,
  MAX_PAYLOAD_BYTES,
  outcomeFromRunner,
  outcomeFromThrown,
} from './execution-store';
import { copyEventData, withoutExecutionData } from './history';
import { decodePageToken, encodePageToken, invalidToken, MAX_TOKEN_LENGTH } from './page-tokens';
import { RequestMembers } from './request-members';
import type {
  ExecutionRequest,
  ExecutionRunner,
  StandInStateMachine,
  StepFunctionsStandIn,
  StepFunctionsStandInOptions,
} from './types';

/** The stand-in was configured with something Step Functions itself would refuse. */
export class StandInConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StandInConfigurationError';
  }
}

const ARN_MAX_LENGTH = 256;
const TRACE_HEADER_MAX_LENGTH = 256;
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] as const;
const INCLUDED_DATA = ['ALL_DATA', 'METADATA_ONLY'] as const;
const REDRIVE_FILTERS = ['REDRIVEN', 'NOT_REDRIVEN'] as const;

interface ConfiguredStateMachine extends StandInStateMachine {
  arn: string;
}

type Listener = (executionArn: string, event: HistoryEvent) => void;

/**
 * Starts a local stand-in for the AWS Step Functions control plane (awsJson1_0 on loopback), for
 * the real `SFNClient` with `endpoint`. It serves StartExecution, DescribeExecution, ListExecutions,
 * GetExecutionHistory, DescribeStateMachine and ListStateMachines for a fixed set of Standard state
 * machines, with AWS's validation, errors, idempotency and pagination. It does not interpret ASL:
 * each execution is handed to its state machine's `runner`.
 *
 * Everything lives in memory for the life of the stand-in; execution names stay reserved for that
 * whole time (AWS keeps them 90 days after close).
 *
 * @example
 * const standIn = await startStepFunctionsStandIn({
 *   stateMachines: [{ name: 'run-batch-inference', definition, roleArn, runner }],
 *   clock: new VirtualClock(),
 * });
 * const sfn = new SFNClient({ endpoint: standIn.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
 * const { executionArn } = await sfn.send(new StartExecutionCommand({
 *   stateMachineArn: standIn.stateMachineArn('run-batch-inference'), name: 'run-1', input: '{}',
 * }));
 * const finished = await standIn.waitForExecution(executionArn);
 */
export async function startStepFunctionsStandIn(options: StepFunctionsStandInOptions): Promise<StepFunctionsStandIn> {
  const clock = options.clock ?? systemClock;
  const region = options.region ?? LOCAL_REGION;
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new StandInConfigurationError(`Invalid region '${region}'`);
  if (!/^\d{12}$/.test(accountId)) throw new StandInConfigurationError(`Invalid account id '${accountId}'`);

  const arnOf = (name: string): string => stateMachineArnFor(LOCAL_PARTITION, region, accountId, name);
  const stateMachines = configureStateMachines(options.stateMachines, arnOf);
  const creationDate = new Date(clock.now());

  const listeners = new Set<Listener>();
  const store = new ExecutionStore(clock, function publish(executionArn, event) {
    if (listeners.size === 0) return;
    // One copy for all listeners: none of them can alter the recorded history.
    const copy = copyEventData(event);
    for (const listener of listeners) {
      try {
        listener(executionArn, copy);
      } catch (error) {
        process.emitWarning(
          `A Step Functions stand-in history listener threw: ${error instanceof Error ? error.message : String(error)}`,
          'StepFunctionsStandInWarning',
        );
      }
    }
  });

  function requireStateMachine(stateMachineArn: string): ConfiguredStateMachine {
    parseStatesArn(stateMachineArn, 'stateMachine');
    // Versions and aliases are never published here, so a qualified ARN names nothing either.
    const machine = stateMachines.get(stateMachineArn);
    if (!machine) {
      throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    }
    return machine;
  }

  function requireExecution(executionArn: string): Execution {
    parseStatesArn(executionArn, 'execution');
    const execution = store.get(executionArn);
    if (!execution) throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return execution;
  }

  // Every operation is synchronous on purpose: between the idempotency check in StartExecution and
  // the creation of the execution nothing else may run, so concurrent duplicate requests see one
  // execution, as they would on AWS.
  const operations: Record<string, AwsJsonOperation> = {
    StartExecution(body) {
      const members = new RequestMembers(body);
      const stateMachineArn = members.string('stateMachineArn', { required: true, minLength: 1, maxLength: ARN_MAX_LENGTH });
      const name = members.string('name', { minLength: 1, maxLength: 80 });
      const input = members.string('input', { maxUtf8Bytes: MAX_PAYLOAD_BYTES, sensitive: true });
      const traceHeader = members.string('traceHeader', { maxLength: TRACE_HEADER_MAX_LENGTH });
      members.validate();

      const machine = requireStateMachine(stateMachineArn as string);
      if (name !== undefined && findExecutionNameViolation(name)) {
        throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
      }
      const executionInput = input ?? '{}';
      try {
        JSON.parse(executionInput);
      } catch (error) {
        throw new AwsServiceError(
          'InvalidExecutionInput',
          `Invalid State Machine Execution Input: '${error instanceof Error ? error.message : String(error)}'`,
        );
      }

      const executionName = name ?? randomUUID();
      const executionArn = executionArnFor(machine.arn, executionName);
      const existing = store.get(executionArn);
      if (existing) {
        // Standard workflows: a retry of a start that is still running gets the original answer.
        if (existing.isRunning && existing.input === executionInput) {
          return { executionArn, startDate: existing.startDate };
        }
        throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
      }
      const execution = store.create({
        executionArn,
        stateMachineArn: machine.arn,
        name: executionName,
        input: executionInput,
        roleArn: machine.roleArn,
        ...(traceHeader !== undefined && { traceHeader }),
      });
      launch(execution, machine.runner);
      return { executionArn, startDate: execution.startDate };
    },

    DescribeExecution(body) {
      const members = new RequestMembers(body);
      const executionArn = members.string('executionArn', { required: true, minLength: 1, maxLength: ARN_MAX_LENGTH });
      // Accepted for fidelity of validation; executions here are never encrypted, so it changes nothing.
      members.enumeration('includedData', INCLUDED_DATA);
      members.validate();

      const execution = requireExecution(executionArn as string);
      const stopDate = execution.stopDate;
      return {
        executionArn: execution.executionArn,
        stateMachineArn: execution.stateMachineArn,
        name: execution.name,
        status: execution.status,
        startDate: execution.startDate,
        ...(stopDate && { stopDate }),
        input: execution.input,
        inputDetails: { included: true },
        ...(execution.output !== undefined && { output: execution.output, outputDetails: { included: true } }),
        ...(execution.error !== undefined && { error: execution.error }),
        ...(execution.cause !== undefined && { cause: execution.cause }),
        ...(execution.traceHeader !== undefined && { traceHeader: execution.traceHeader }),
      };
    },

    ListExecutions(body) {
      const members = new RequestMembers(body);
      const stateMachineArn = members.string('stateMachineArn', { minLength: 1, maxLength: ARN_MAX_LENGTH });
      const mapRunArn = members.string('mapRunArn', { minLength: 1, maxLength: 2000 });
      const statusFilter = members.enumeration('statusFilter', EXECUTION_STATUSES);
      const maxResults = members.integer('maxResults', { min: 0, max: MAX_PAGE_SIZE });
      const nextToken = members.string('nextToken', { minLength: 1, maxLength: MAX_TOKEN_LENGTH });
      const redriveFilter = members.enumeration('redriveFilter', REDRIVE_FILTERS);
      members.validate();

      if ((stateMachineArn === undefined) === (mapRunArn === undefined)) {
        throw new AwsServiceError('ValidationException', 'Provide either a stateMachineArn or a mapRunArn, not both');
      }
      if (mapRunArn !== undefined) {
        // No Distributed Map runs exist here.
        throw new AwsServiceError('ResourceNotFound', `Resource Not Found: '${mapRunArn}'`);
      }
      if (statusFilter === 'PENDING_REDRIVE') {
        throw new AwsServiceError('ValidationException', 'The PENDING_REDRIVE status filter requires a mapRunArn');
      }
      const machine = requireStateMachine(stateMachineArn as string);
      const scope = ['ListExecutions', machine.arn, statusFilter ?? '', redriveFilter ?? ''].join('\n');
      const after = nextToken === undefined ? undefined : decodePageToken(nextToken, scope);
      if (after !== undefined && after < 1) throw invalidToken(nextToken as string);

      // Nothing is ever redriven here, so REDRIVEN matches nothing and NOT_REDRIVEN everything.
      const matching = redriveFilter === 'REDRIVEN' ? [] : store.all();
      const newestFirst = matching
        .filter((execution) => execution.stateMachineArn === machine.arn)
        .filter((execution) => statusFilter === undefined || execution.status === statusFilter)
        .filter((execution) => after === undefined || execution.sequence < after)
        .reverse();
      const pageSize = pageSizeOf(maxResults);
      const page = newestFirst.slice(0, pageSize);
      const last = page[page.length - 1];
      return {
        executions: page.map((execution) => {
          const stopDate = execution.stopDate;
          return {
            executionArn: execution.executionArn,
            stateMachineArn: execution.stateMachineArn,
            name: execution.name,
            status: execution.status,
            startDate: execution.startDate,
            ...(stopDate && { stopDate }),
          };
        }),
        ...(newestFirst.length > pageSize && last && { nextToken: encodePageToken(scope, last.sequence) }),
      };
    },

    GetExecutionHistory(body) {
      const members = new RequestMembers(body);
      const executionArn = members.string('executionArn', { required: true, minLength: 1, maxLength: ARN_MAX_LENGTH });
      const maxResults = members.integer('maxResults', { min: 0, max: MAX_PAGE_SIZE });
      const reverseOrder = members.boolean('reverseOrder') ?? false;
      const nextToken = members.string('nextToken', { minLength: 1, maxLength: MAX_TOKEN_LENGTH });
      const includeExecutionData = members.boolean('includeExecutionData') ?? true;
      members.validate();

      const execution = requireExecution(executionArn as string);
      const scope = ['GetExecutionHistory', execution.executionArn, reverseOrder ? 'reverse' : 'forward'].join('\n');
      const afterId = nextToken === undefined ? undefined : decodePageToken(nextToken, scope);
      if (afterId !== undefined && (afterId < 1 || afterId > execution.history.size)) {
        throw invalidToken(nextToken as string);
      }
      const page = execution.history.page({
        maxResults: pageSizeOf(maxResults),
        reverseOrder,
        ...(afterId !== undefined && { afterId }),
      });
      return {
        events: includeExecutionData ? page.events : page.events.map(withoutExecutionData),
        ...(page.lastId !== undefined && { nextToken: encodePageToken(scope, page.lastId) }),
      };
    },

    DescribeStateMachine(body) {
      const members = new RequestMembers(body);
      const stateMachineArn = members.string('stateMachineArn', { required: true, minLength: 1, maxLength: ARN_MAX_LENGTH });
      members.enumeration('includedData', INCLUDED_DATA);
      members.validate();

      const machine = requireStateMachine(stateMachineArn as string);
      return {
        stateMachineArn: machine.arn,
        name: machine.name,
        status: 'ACTIVE',
        definition: machine.definition,
        roleArn: machine.roleArn,
        type: 'STANDARD',
        creationDate,
        loggingConfiguration: { level: 'OFF', includeExecutionData: false },
        tracingConfiguration: { enabled: false },
      };
    },

    ListStateMachines(body) {
      const members = new RequestMembers(body);
      const maxResults = members.integer('maxResults', { min: 0, max: MAX_PAGE_SIZE });
      const nextToken = members.string('nextToken', { minLength: 1, maxLength: MAX_TOKEN_LENGTH });
      members.validate();

      const all = [...stateMachines.values()];
      const scope = 'ListStateMachines';
      const start = nextToken === undefined ? 0 : decodePageToken(nextToken, scope);
      if (start < 0 || start > all.length) throw invalidToken(nextToken as string);
      const end = start + pageSizeOf(maxResults);
      return {
        stateMachines: all.slice(start, end).map((machine) => ({
          stateMachineArn: machine.arn,
          name: machine.name,
          type: 'STANDARD',
          creationDate,
        })),
        ...(end < all.length && { nextToken: encodePageToken(scope, end) }),
      };
    },
  };

  const server = await startAwsJsonServer({
    targetPrefix: 'AWSStepFunctions',
    contentType: 'application/x-amz-json-1.0',
    operations,
    ...(options.port !== undefined && { port: options.port }),
  });

  let closing: Promise<void> | undefined;
  return {
    endpoint: server.endpoint,
    stateMachineArn: arnOf,
    waitForExecution(executionArn) {
      const execution = store.get(executionArn);
      if (!execution) {
        return Promise.reject(
          new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`),
        );
      }
      return execution.settled;
    },
    async idle() {
      await Promise.all(store.running().map((execution) => execution.settled));
    },
    executions() {
      return store.all().map((execution) => execution.snapshot());
    },
    onHistoryEvent(listener) {
      // Wrapped so the same function can subscribe twice and unsubscribe each independently.
      const subscription: Listener = (executionArn, event) => listener(executionArn, event);
      listeners.add(subscription);
      return () => {
        listeners.delete(subscription);
      };
    },
    close() {
      closing ??= server.close();
      return closing;
    },
  };
}

/**
 * Hands the execution to its runner and records the outcome. The runner is called from a promise
 * chain rather than directly so that a synchronous throw becomes a rejection like any other, and
 * every path ends in `close`: a runner can never leave an unhandled rejection or a stuck execution.
 */
function launch(execution: Execution, runner: ExecutionRunner): void {
  const request: ExecutionRequest = {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    input: execution.input,
    startDate: new Date(execution.startDate.getTime()),
  };
  Promise.resolve()
    .then(() => runner(request, (event) => execution.recordRunnerEvent(event)))
    .then(outcomeFromRunner, outcomeFromThrown)
    .then((outcome) => execution.close(outcome))
    .catch((error: unknown) => {
      // Only a bug in the stand-in gets here; fail the execution rather than leave it RUNNING forever.
      try {
        execution.close(outcomeFromThrown(error));
      } catch (again) {
        process.emitWarning(
          `Step Functions stand-in could not close ${execution.executionArn}: ${String(again)}`,
          'StepFunctionsStandInWarning',
        );
      }
    });
}

function pageSizeOf(maxResults: number | undefined): number {
  // 0 means "the default", as in the API.
  return maxResults === undefined || maxResults === 0 ? DEFAULT_PAGE_SIZE : maxResults;
}

function configureStateMachines(
  configured: StandInStateMachine[],
  arnOf: (name: string) => string,
): Map<string, ConfiguredStateMachine> {
  const byArn = new Map<string, ConfiguredStateMachine>();
  for (const machine of configured) {
    const violation = findExecutionNameViolation(machine.name);
    if (violation) throw new StandInConfigurationError(`Invalid state machine name '${machine.name}': ${violation.message}`);
    const arn = arnOf(machine.name);
    if (byArn.has(arn)) throw new StandInConfigurationError(`State machine '${machine.name}' is configured twice`);
    if (machine.type !== undefined && machine.type !== 'STANDARD') {
      throw new StandInConfigurationError(
        `State machine '${machine.name}' has type '${String(machine.type)}': only STANDARD workflows are supported`,
      );
    }
    if (!/^arn:[^:]+:iam::\d{12}:role\/.+$/.test(machine.roleArn)) {
      throw new StandInConfigurationError(`State machine '${machine.name}' has an invalid role ARN '${machine.roleArn}'`);
    }
    if (!isJsonObject(machine.definition)) {
      throw new StandInConfigurationError(`State machine '${machine.name}' has a definition that is not a JSON object`);
    }
    if (typeof machine.runner !== 'function') {
      throw new StandInConfigurationError(`State machine '${machine.name}' has no runner`);
    }
    byArn.set(arn, { ...machine, arn });
  }
  return byArn;
}

function isJsonObject(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}
