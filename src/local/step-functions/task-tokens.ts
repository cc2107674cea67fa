import { randomBytes } from 'node:crypto';
import { AwsServiceError } from '../aws-json-server';

/** How a waiting Task ended: SendTaskSuccess (output, JSON text) or SendTaskFailure (error, cause). */
export type TaskTokenOutcome = { output: string } | { error: string; cause: string };

interface OpenTask {
  settle: (outcome: TaskTokenOutcome) => void;
  heartbeat: () => void;
}

const TOKEN_PREFIX = 'AQ';

/**
 * Task tokens of the local runner's `.waitForTaskToken` Tasks, shared with the Step Functions
 * stand-in, which serves SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat from it.
 * A token is minted per attempt; once its Task ends (completed, timed out, its execution closed)
 * it answers TaskTimedOut, as Step Functions does; a token never minted answers TaskDoesNotExist,
 * and text that is not a token InvalidToken.
 */
export class TaskTokens {
  private readonly open = new Map<string, OpenTask>();
  private readonly closed = new Set<string>();

  /** A new token for one attempt of a waiting Task. */
  mint(task: OpenTask): string {
    const token = `${TOKEN_PREFIX}${randomBytes(48).toString('base64url')}`;
    this.open.set(token, task);
    return token;
  }

  /** The Task ended on its own (timeout, heartbeat timeout, execution closed): its token is spent. */
  close(token: string): void {
    if (this.open.delete(token)) this.closed.add(token);
  }

  /** @throws InvalidToken, TaskDoesNotExist, TaskTimedOut as the service does. */
  settle(token: string, outcome: TaskTokenOutcome): void {
    const task = this.require(token);
    this.close(token);
    task.settle(outcome);
  }

  /** @throws InvalidToken, TaskDoesNotExist, TaskTimedOut as the service does. */
  heartbeat(token: string): void {
    this.require(token).heartbeat();
  }

  private require(token: string): OpenTask {
    if (!token.startsWith(TOKEN_PREFIX) || !/^[A-Za-z0-9_-]+$/.test(token)) throw new AwsServiceError('InvalidToken', 'Invalid Token');
    const task = this.open.get(token);
    if (task) return task;
    if (this.closed.has(token)) throw new AwsServiceError('TaskTimedOut', 'Task Timed Out');
    throw new AwsServiceError('TaskDoesNotExist', 'Task Does Not Exist');
  }
}
