import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FinishedRunSample } from '../domain/expected-duration';
import type { RunHistory } from '../use-cases/ports';

/**
 * The runs table's index of finished runs by job group, newest first (`resources/runs-table.yml`).
 * Sparse: only items with both keys are in it, so a run appears once its record step (or the
 * closed-execution path) wrote `completedAt`, and runs without a `jobGroup` never do.
 */
export const RUNS_BY_JOB_GROUP_INDEX = 'jobGroup-completedAt';
/** The attributes the index projects besides its keys: what the estimate reads, and no more. */
export const RUNS_BY_JOB_GROUP_PROJECTION = ['jobStatus', 'elapsedSeconds'] as const;
/** A history read that takes longer than this is abandoned: the run polls on the cold policy instead. */
export const HISTORY_READ_TIMEOUT_MS = 2000;

/**
 * Reads a group's recent finished runs with one Query on {@link RUNS_BY_JOB_GROUP_INDEX}
 * (`ScanIndexForward: false`, `Limit`): one page, eventually consistent (a run that finished a
 * moment ago may be missed, which only makes the estimate one run older). With 20 items of a few
 * dozen bytes each it reads well under 4 KB: 0.5 read request unit per started job.
 */
export class DynamoDbRunHistory implements RunHistory {
  private readonly documents: DynamoDBDocumentClient;

  private readonly timeoutMs: number;

  constructor(
    private readonly tableName: string,
    options: { client?: DynamoDBClient; clientConfig?: DynamoDBClientConfig; timeoutMs?: number } = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? HISTORY_READ_TIMEOUT_MS;
    this.documents = DynamoDBDocumentClient.from(options.client ?? new DynamoDBClient(options.clientConfig ?? {}));
  }

  async recentFinishedRuns(jobGroup: string, limit: number): Promise<FinishedRunSample[]> {
    const { Items } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: RUNS_BY_JOB_GROUP_INDEX,
        KeyConditionExpression: 'jobGroup = :jobGroup',
        ExpressionAttributeValues: { ':jobGroup': jobGroup },
        ProjectionExpression: RUNS_BY_JOB_GROUP_PROJECTION.join(', '),
        ScanIndexForward: false,
        Limit: limit,
      }),
      { abortSignal: AbortSignal.timeout(this.timeoutMs) },
    );
    return (Items ?? []).map((item) => ({
      jobStatus: typeof item.jobStatus === 'string' ? item.jobStatus : undefined,
      elapsedSeconds: typeof item.elapsedSeconds === 'number' ? item.elapsedSeconds : undefined,
    }));
  }
}
