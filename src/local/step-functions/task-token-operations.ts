import { AwsServiceError, type AwsJsonOperation } from '../aws-json-server';
import { MAX_PAYLOAD_BYTES } from './execution-store';
import { RequestMembers } from './request-members';
import type { TaskTokens } from './task-tokens';

/* Limits from the Step Functions API reference (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat). */
const TASK_TOKEN_MAX_LENGTH = 2048;
const TASK_ERROR_MAX_LENGTH = 256;
const TASK_CAUSE_MAX_LENGTH = 32_768;

/**
 * The Step Functions stand-in's callback operations over the runners' task tokens: validation as
 * the service model states it, then the token's outcome (InvalidToken, TaskDoesNotExist and
 * TaskTimedOut come from `TaskTokens`).
 */
export function taskTokenOperations(taskTokens: TaskTokens): Record<'SendTaskSuccess' | 'SendTaskFailure' | 'SendTaskHeartbeat', AwsJsonOperation> {
  return {
    /**
     * Completes a `.waitForTaskToken` Task: its output (JSON, at most 262,144 bytes of UTF-8,
     * SensitiveData) becomes the Task's result. InvalidOutput for text that is not JSON;
     * TaskTimedOut once the Task has ended (completed, timed out, its execution closed).
     */
    SendTaskSuccess(body) {
      const members = new RequestMembers(body);
      const taskToken = members.string('taskToken', { required: true, minLength: 1, maxLength: TASK_TOKEN_MAX_LENGTH });
      const output = members.string('output', { required: true, maxUtf8Bytes: MAX_PAYLOAD_BYTES, sensitive: true });
      members.validate();
      try {
        JSON.parse(output as string);
      } catch (error) {
        throw new AwsServiceError('InvalidOutput', `Invalid Output: '${error instanceof Error ? error.message : String(error)}'`);
      }
      taskTokens.settle(taskToken as string, { output: output as string });
      return {};
    },

    /** Fails a `.waitForTaskToken` Task with `error` (≤ 256) and `cause` (≤ 32,768), both optional. */
    SendTaskFailure(body) {
      const members = new RequestMembers(body);
      const taskToken = members.string('taskToken', { required: true, minLength: 1, maxLength: TASK_TOKEN_MAX_LENGTH });
      const error = members.string('error', { maxLength: TASK_ERROR_MAX_LENGTH, sensitive: true });
      const cause = members.string('cause', { maxLength: TASK_CAUSE_MAX_LENGTH, sensitive: true });
      members.validate();
      taskTokens.settle(taskToken as string, { error: error ?? '', cause: cause ?? '' });
      return {};
    },

    /** Restarts a waiting Task's HeartbeatSeconds. */
    SendTaskHeartbeat(body) {
      const members = new RequestMembers(body);
      const taskToken = members.string('taskToken', { required: true, minLength: 1, maxLength: TASK_TOKEN_MAX_LENGTH });
      members.validate();
      taskTokens.heartbeat(taskToken as string);
      return {};
    },
  };
}
