import { AwsServiceError } from '../aws-json-server';

/**
 * Step Functions ARNs: `arn:<partition>:states:<region>:<account>:stateMachine:<name>[:<version or alias>]`
 * and `arn:<partition>:states:<region>:<account>:execution:<stateMachineName>:<executionName>`.
 * Names cannot contain `:`, so splitting on it is unambiguous.
 */
export interface StatesArn {
  partition: string;
  region: string;
  accountId: string;
  resourceType: string;
  /** What follows the resource type, split on `:`. */
  resource: string[];
}

export function stateMachineArnFor(partition: string, region: string, accountId: string, name: string): string {
  return `arn:${partition}:states:${region}:${accountId}:stateMachine:${name}`;
}

export function executionArnFor(stateMachineArn: string, executionName: string): string {
  // The execution ARN swaps the resource type and appends the execution name.
  return `${stateMachineArn.replace(/:stateMachine:/, ':execution:')}:${executionName}`;
}

/**
 * Parses an ARN that must name a `resourceType` (a state machine, possibly qualified by a version or
 * alias, or an execution), throwing `InvalidArn`, the error every Step Functions operation models for
 * a malformed ARN, otherwise. Whether the resource exists is the caller's question.
 */
export function parseStatesArn(arn: string, resourceType: 'stateMachine' | 'execution'): StatesArn {
  const parts = arn.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) throw invalidArn(`Invalid ARN prefix: ${arn}`);
  const [, partition = '', service, region = '', accountId = '', type = '', ...resource] = parts;
  if (service !== 'states') throw invalidArn(`Invalid ARN service: ${arn}`);
  if (!/^[a-z][a-z-]*$/.test(partition)) throw invalidArn(`Invalid ARN partition: ${arn}`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw invalidArn(`Invalid ARN region: ${arn}`);
  if (!/^\d{12}$/.test(accountId)) throw invalidArn(`Invalid ARN account: ${arn}`);
  if (type !== resourceType) throw invalidArn(`Resource type not valid in this context: ${type}`);
  const expectedParts = resourceType === 'stateMachine' ? [1, 2] : [2];
  if (!expectedParts.includes(resource.length) || resource.some((part) => part.length === 0)) {
    throw invalidArn(`Invalid ARN resource: ${arn}`);
  }
  return { partition, region, accountId, resourceType: type, resource };
}

function invalidArn(reason: string): AwsServiceError {
  return new AwsServiceError('InvalidArn', `Invalid Arn: '${reason}'`);
}
