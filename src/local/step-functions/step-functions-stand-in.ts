import { randomUUID } from 'node:crypto';
import { AwsServiceError, startAwsJsonServer, type AwsJsonOperation } from '../aws-json-server';
import { systemClock } from '../clock';
import { LOCAL_ACCOUNT_ID, LOCAL_PARTITION, LOCAL_REGION } from '../local-aws';
import { executionArnFor, parseStatesArn, stateMachineArnFor } from './arns';
import { findExecutionNameViolation } from './execution-names';
import { type Execution, ExecutionStore, MAX_PAYLOAD_BYTES } from './execution-store';
import { launch } from './launch';
import { restoreExecution, saveExecution } from './persistence';
import { HistoryListeners, withoutExecutionData } from './history';
import { decodePageToken, encodePageToken, invalidToken, MAX_PAGE_SIZE, MAX_TOKEN_LENGTH, pageSizeOf } from './page-tokens';
import { stateMachineOperations } from './state-machine-operations';
import { RequestMembers } from './request-members';
import { TaskTokens } from './task-tokens';
import { taskTokenOperations } from './task-token-operations';
import { configureStateMachines, StandInConfigurationError, type ConfiguredStateMachine } from './state-machines';
import type { StepFunctionsStandIn, StepFunctionsStandInOptions } from './types';

const ARN_MAX_LENGTH = 256;
const TRACE_HEADER_MAX_LENGTH = 256;
/** StopExecution's `error` and `cause` (SensitiveError, SensitiveCause in the service model). */
const STOP_ERROR_MAX_LENGTH = 256;
const STOP_CAUSE_MAX_LENGTH = 32_768;
/** SendTask*'s `taskToken` (TaskToken in the service model). */
/** SendTaskFailure's `error` and `cause` (SensitiveError, SensitiveCause). */
const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] as const;
const INCLUDED_DATA = ['ALL_DATA', 'METADATA_ONLY'] as const;
const REDRIVE_FILTERS = ['REDRIVEN', 'NOT_REDRIVEN'] as const;

/**
 * Starts a local stand-in for the AWS Step Functions control plane (awsJson1_0 on loopback), for
 * the real `SFNClient` with `endpoint`. It serves StartExecution, StopExecution, DescribeExecution, ListExecutions,
 * SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat,
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

  const taskTokens = options.taskTokens ?? new TaskTokens();
  const listeners = new HistoryListeners();
  const store = new ExecutionStore(clock, (executionArn, event) => listeners.publish(executionArn, event));
  for (const saved of options.restoredExecutions ?? []) restoreExecution(store, saved);

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
      return {
        ...executionListItem(execution),
        input: execution.input,
        inputDetails: { included: true },
        ...(execution.output !== undefined && { output: execution.output, outputDetails: { included: true } }),
        ...(execution.error !== undefined && { error: execution.error }),
        ...(execution.cause !== undefined && { cause: execution.cause }),
        ...(execution.traceHeader !== undefined && { traceHeader: execution.traceHeader }),
      };
    },

    /**
     * Closes a running execution ABORTED (`ExecutionAborted` with the given error and cause) and
     * tells its runner to stop. An execution that has already closed keeps its status; the call
     * succeeds with its stop date (AWS's answer there is unconfirmed; callers describe first).
     */
    StopExecution(body) {
      const members = new RequestMembers(body);
      const executionArn = members.string('executionArn', { required: true, minLength: 1, maxLength: ARN_MAX_LENGTH });
      const error = members.string('error', { maxLength: STOP_ERROR_MAX_LENGTH, sensitive: true });
      const cause = members.string('cause', { maxLength: STOP_CAUSE_MAX_LENGTH, sensitive: true });
      members.validate();

      const execution = requireExecution(executionArn as string);
      execution.close({ status: 'ABORTED', ...(error !== undefined && { error }), ...(cause !== undefined && { cause }) });
      return { stopDate: execution.stopDate };
    },

    ...taskTokenOperations(taskTokens),

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
        executions: page.map(executionListItem),
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

    ...stateMachineOperations({ stateMachines, requireStateMachine, creationDate }),
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
    savedExecutions: () => store.all().map(saveExecution),
    onHistoryEvent(listener) {
      return listeners.subscribe(listener);
    },
    close() {
      closing ??= server.close();
      return closing;
    },
  };
}


/** The members ListExecutions returns for an execution, which DescribeExecution starts with too. */
function executionListItem(execution: Execution) {
  const stopDate = execution.stopDate;
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: execution.startDate,
    ...(stopDate && { stopDate }),
  };
}
