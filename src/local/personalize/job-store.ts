import type { JobTimeline } from './lifecycle';
import type { CreateBatchInferenceJobRequest, JobOutcome, StandInJobType, StandInRecipe } from './types';

export interface StoredJob {
  /** Creation order; breaks ties between jobs created at the same (virtual) millisecond. */
  readonly sequence: number;
  readonly arn: string;
  /** Each job type has a store of its own; the job says which, for finalizing and describing it. */
  readonly jobType: StandInJobType;
  /** A batch segment job's request is this shape without the inference-only members. */
  readonly request: CreateBatchInferenceJobRequest;
  /** Resolved at creation, so a catalog lookup cannot fail later. */
  readonly recipe: StandInRecipe;
  readonly timeline: JobTimeline;
  outcome?: JobOutcome;
  /** Set while finalization runs, so concurrent observers share one run instead of writing output twice. */
  finalizing?: Promise<void>;
}

/**
 * In-memory jobs of one job type for one stand-in. Nothing is ever deleted: Personalize has no Delete
 * API for batch inference or batch segment jobs, so a job name stays taken for the life of the stand-in.
 */
export class JobStore {
  private readonly byArn = new Map<string, StoredJob>();
  private readonly names = new Set<string>();
  private nextSequence = 1;

  add(job: Omit<StoredJob, 'sequence'>): StoredJob {
    const stored: StoredJob = { ...job, sequence: this.nextSequence++ };
    this.byArn.set(stored.arn, stored);
    this.names.add(stored.request.jobName);
    return stored;
  }

  get(arn: string): StoredJob | undefined {
    return this.byArn.get(arn);
  }

  hasName(jobName: string): boolean {
    return this.names.has(jobName);
  }

  /** Oldest first. */
  all(): StoredJob[] {
    return [...this.byArn.values()];
  }

  /** Newest first, as ListBatchInferenceJobs returns them. */
  newestFirst(solutionVersionArn?: string): StoredJob[] {
    return this.all()
      .filter((job) => solutionVersionArn === undefined || job.request.solutionVersionArn === solutionVersionArn)
      .sort((a, b) => b.timeline.createdAtMs - a.timeline.createdAtMs || b.sequence - a.sequence);
  }
}

/*
 * Pagination tokens are opaque to callers. Inside: the position after which the next page starts (the
 * creation sequence of the last job returned, so jobs created between pages cannot shift the window) and
 * the filter the first page used, because AWS rejects a token replayed with different parameters.
 */
interface PageCursor {
  afterSequence: number;
  solutionVersionArn: string | null;
}

const TOKEN_PREFIX = 'pbo1.';

export function encodeNextToken(cursor: PageCursor): string {
  return TOKEN_PREFIX + Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/** Returns undefined for anything this stand-in did not issue for the same query. */
export function decodeNextToken(token: string, solutionVersionArn: string | undefined): PageCursor | undefined {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof decoded !== 'object' || decoded === null) return undefined;
  const { afterSequence, solutionVersionArn: tokenFilter } = decoded as Record<string, unknown>;
  if (typeof afterSequence !== 'number' || !Number.isSafeInteger(afterSequence) || afterSequence < 1) return undefined;
  const expectedFilter = solutionVersionArn ?? null;
  if (tokenFilter !== expectedFilter) return undefined;
  return { afterSequence, solutionVersionArn: expectedFilter };
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * One page of `jobs` (already newest first), starting after the job the cursor names. Returns undefined
 * when that job is not in the list: the token came from another stand-in (e.g. before a restart).
 */
export function pageOf(
  jobs: readonly StoredJob[],
  maxResults: number,
  cursor: PageCursor | undefined,
  solutionVersionArn?: string,
): Page<StoredJob> | undefined {
  let start = 0;
  if (cursor) {
    const index = jobs.findIndex((job) => job.sequence === cursor.afterSequence);
    if (index === -1) return undefined;
    start = index + 1;
  }
  const items = jobs.slice(start, start + maxResults);
  const last = items.at(-1);
  const hasMore = start + maxResults < jobs.length;
  return hasMore && last
    ? { items, nextToken: encodeNextToken({ afterSequence: last.sequence, solutionVersionArn: solutionVersionArn ?? null }) }
    : { items };
}
