import { findExecutionNameViolation } from './execution-names';
import type { StandInStateMachine } from './types';
import { isJsonObject } from '../http-body';

/** The stand-in was configured with something Step Functions itself would refuse. */
export class StandInConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StandInConfigurationError';
  }
}

/** A configured state machine with the ARN the stand-in serves it under. */
export interface ConfiguredStateMachine extends StandInStateMachine {
  arn: string;
}

/**
 * Checks the configured state machines as CreateStateMachine would (name, type, role ARN,
 * definition) and keys them by ARN.
 *
 * @throws StandInConfigurationError naming the first machine Step Functions would refuse, or one configured twice
 */
export function configureStateMachines(
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

