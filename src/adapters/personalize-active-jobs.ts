import { paginateListBatchInferenceJobs, paginateListBatchSegmentJobs, PersonalizeClient, type PersonalizeClientConfig } from '@aws-sdk/client-personalize';
import type { JobType } from '../domain/job-type';
import type { ActiveJobs } from '../use-cases/ports';

/** The statuses in which a batch job counts against Personalize's concurrent-job quota of its type. */
export const QUOTA_STATUSES: ReadonlySet<string> = new Set(['CREATE PENDING', 'CREATE IN_PROGRESS']);

/**
 * Adapter over ListBatchInferenceJobs or ListBatchSegmentJobs (one job type each, as each has a
 * quota of its own): the jobs using Personalize's quota right now, whoever started them (another
 * stack, the console, a run of ours that ended while its job went on). Reads every page (100 jobs
 * each): Personalize documents no order for the list, so stopping early could miss a running job.
 */
export class PersonalizeActiveJobs implements ActiveJobs {
  private readonly client: PersonalizeClient;

  constructor(
    private readonly jobType: JobType,
    options: { client?: PersonalizeClient; clientConfig?: PersonalizeClientConfig } = {},
  ) {
    this.client = options.client ?? new PersonalizeClient(options.clientConfig ?? {});
  }

  async activeJobNames(): Promise<string[]> {
    const names: string[] = [];
    const paging = { client: this.client, pageSize: 100 };
    const jobs =
      this.jobType === 'BATCH_SEGMENT'
        ? mapPages(paginateListBatchSegmentJobs(paging, {}), (page) => page.batchSegmentJobs)
        : mapPages(paginateListBatchInferenceJobs(paging, {}), (page) => page.batchInferenceJobs);
    for await (const job of jobs) {
      // A job listed without a name still uses the quota: it counts as someone else's.
      if (job.status && QUOTA_STATUSES.has(job.status)) names.push(job.jobName ?? '');
    }
    return names;
  }
}

type JobSummary = { jobName?: string | undefined; status?: string | undefined };

async function* mapPages<P>(pages: AsyncIterable<P>, jobsOf: (page: P) => JobSummary[] | undefined): AsyncGenerator<JobSummary> {
  for await (const page of pages) yield* jobsOf(page) ?? [];
}
