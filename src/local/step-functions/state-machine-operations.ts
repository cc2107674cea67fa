import { RequestMembers } from './request-members';
import { decodePageToken, encodePageToken, invalidToken, MAX_PAGE_SIZE, MAX_TOKEN_LENGTH, pageSizeOf } from './page-tokens';
import type { AwsJsonOperation } from '../aws-json-server';
import type { ConfiguredStateMachine } from './state-machines';

const ARN_MAX_LENGTH = 256;
const INCLUDED_DATA = ['ALL_DATA', 'METADATA_ONLY'] as const;

/** DescribeStateMachine and ListStateMachines over the stand-in's configured state machines (all STANDARD, ACTIVE). */
export function stateMachineOperations(deps: {
  stateMachines: Map<string, ConfiguredStateMachine>;
  /** @throws StateMachineDoesNotExist (or InvalidArn) as the service does. */
  requireStateMachine: (stateMachineArn: string) => ConfiguredStateMachine;
  creationDate: Date;
}): Record<'DescribeStateMachine' | 'ListStateMachines', AwsJsonOperation> {
  const { stateMachines, requireStateMachine, creationDate } = deps;
  return {
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
}
