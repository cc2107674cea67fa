export { startStepFunctionsStandIn } from './step-functions-stand-in';
export { StandInConfigurationError } from './state-machines';
export {
  findExecutionNameViolation,
  isCloudWatchSafeExecutionName,
  isValidExecutionName,
  FORBIDDEN_NAME_CHARACTERS,
  MAX_EXECUTION_NAME_LENGTH,
  MIN_EXECUTION_NAME_LENGTH,
  type ExecutionNameViolation,
} from './execution-names';
export { MAX_HISTORY_EVENTS } from './history';
export { MAX_PAYLOAD_BYTES } from './execution-store';
export type {
  ExecutionOutcome,
  ExecutionRequest,
  ExecutionRunner,
  ExecutionSnapshot,
  ExecutionStatus,
  RunnerHistoryEvent,
  StandInStateMachine,
  StepFunctionsStandIn,
  StepFunctionsStandInOptions,
} from './types';
