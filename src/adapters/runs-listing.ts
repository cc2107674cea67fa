import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { RunRecord } from '../domain/run';

/**
 * A runs table item as an operator reads it: any status (ACCEPTED, REJECTED, RUNNING, …, ABORTED),
 * the fields of `RunRecord` when the run wrote them, and whatever else the item holds (fields
 * newer than this reader, e.g. a verification summary), untouched.
 */
export type StoredRun = Partial<Omit<RunRecord, 'status'>> & { runId: string; status?: string; rejectedAt?: string; [field: string]: unknown };

/** What `list` keeps; every filter is optional. */
export interface RunsFilter {
  status?: string | undefined;
  jobGroup?: string | undefined;
  /** Only runs that started (were accepted, or rejected) at or after this time. */
  since?: Date | undefined;
}

/**
 * Read side of the runs table for operators (the CLI's `runs` commands), with the caller's own
 * credentials. Listing is a Scan: the table holds one item per run and the TTL keeps it to the
 * retention period, so it stays small (hundreds to a few thousand items); a "newest first by status
 * or group" index would cost a write on every record and still need a Scan for "all groups".
 */
export class DynamoDbRunsListing {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    options: { client?: DynamoDBClient; clientConfig?: DynamoDBClientConfig } = {},
  ) {
    this.documents = DynamoDBDocumentClient.from(options.client ?? new DynamoDBClient(options.clientConfig ?? {}));
  }

  /** One run's item, read consistently; undefined when there is none. */
  async get(runId: string): Promise<StoredRun | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: { runId }, ConsistentRead: true }));
    return Item as StoredRun | undefined;
  }

  /**
   * Every run matching `filter`, newest first (by when it started, was accepted or rejected),
   * reading every page of the Scan. Status and group filter in DynamoDB; the time in here, since
   * the three time fields are not all on every item.
   */
  async list(filter: RunsFilter = {}): Promise<StoredRun[]> {
    const conditions: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    if (filter.status !== undefined) {
      conditions.push('#status = :status');
      names['#status'] = 'status';
      values[':status'] = filter.status;
    }
    if (filter.jobGroup !== undefined) {
      conditions.push('jobGroup = :jobGroup');
      values[':jobGroup'] = filter.jobGroup;
    }
    const runs: StoredRun[] = [];
    const pages = paginateScan(
      { client: this.documents },
      {
        TableName: this.tableName,
        ...(conditions.length > 0 && {
          FilterExpression: conditions.join(' AND '),
          ...(Object.keys(names).length > 0 && { ExpressionAttributeNames: names }),
          ExpressionAttributeValues: values,
        }),
      },
    );
    for await (const page of pages) runs.push(...((page.Items ?? []) as StoredRun[]));
    const since = filter.since?.getTime();
    return runs
      .filter((run) => since === undefined || (startedAtOf(run) ?? 0) >= since)
      .sort((a, b) => (startedAtOf(b) ?? 0) - (startedAtOf(a) ?? 0) || b.runId.localeCompare(a.runId));
  }
}

/** When a run began, in epoch ms: the execution's start, else when the trigger accepted or rejected it. */
export function startedAtOf(run: StoredRun): number | undefined {
  for (const field of [run.startedAt, run.acceptedAt, run.rejectedAt, run.jobCreatedAt, run.queuedSince]) {
    const time = typeof field === 'string' ? Date.parse(field) : NaN;
    if (!Number.isNaN(time)) return time;
  }
  return undefined;
}
