import { JobLostError } from '../../src/domain/errors';
import { getJobStatus } from '../../src/use-cases/get-job-status';
import { FakeBatchJobs, jobArnFor, policy, runState } from '../support/sample-run';
import { fakeSlotQueues } from '../support/fake-job-slots';

const CREATED_AT = '2026-01-15T10:00:00.000Z';
const at = (secondsAfterCreation: number) => () => Date.parse(CREATED_AT) + secondsAfterCreation * 1000;

function jobsWith(status: string | undefined, failureReason?: string): FakeBatchJobs {
  const jobs = new FakeBatchJobs();
  jobs.jobs.set(jobArnFor('run-1'), { jobArn: jobArnFor('run-1'), jobName: 'run-1', status, failureReason });
  return jobs;
}

describe('getJobStatus', () => {
  const state = runState({ runId: 'run-1', jobArn: jobArnFor('run-1'), jobCreatedAt: CREATED_AT, polling: policy({ maxElapsedSeconds: 3600, maxPolls: 50 }) }, { count: 2 });

  it('describes the run’s job and keeps polling while it runs', async () => {
    // Prepare
    const jobs = jobsWith('IN PROGRESS');

    // Act
    const next = await getJobStatus(state, { jobs, now: at(400) });

    // Assess
    expect(jobs.described).toEqual([jobArnFor('run-1')]);
    expect(next.run).toBe(state.run);
    expect(next.poll).toEqual({
      count: 3,
      status: 'IN PROGRESS',
      terminal: false,
      timedOut: false,
      failureReason: null,
      // The cold policy: 600 s to the first check, then 60, 90, 135 s…
      waitSeconds: 135,
      elapsedSeconds: 400,
    });
  });

  it('measures elapsed time from jobCreatedAt in whole seconds', async () => {
    // Act
    const next = await getJobStatus(state, { jobs: jobsWith('PENDING'), now: at(125.9) });

    // Assess
    expect(next.poll.elapsedSeconds).toBe(125);
  });

  it('never reports a negative elapsed time when the clock is behind the job', async () => {
    // Act
    const next = await getJobStatus(state, { jobs: jobsWith('PENDING'), now: at(-30) });

    // Assess
    expect(next.poll.elapsedSeconds).toBe(0);
  });

  it('times the run out once the job has existed for maxWaitSeconds', async () => {
    // Act
    const next = await getJobStatus(state, { jobs: jobsWith('IN PROGRESS'), now: at(3600) });

    // Assess
    expect(next.poll).toMatchObject({ timedOut: true, terminal: false, elapsedSeconds: 3600 });
  });

  it('ends on ACTIVE', async () => {
    // Act
    const next = await getJobStatus(state, { jobs: jobsWith('ACTIVE'), now: at(900) });

    // Assess
    expect(next.poll).toMatchObject({ terminal: true, status: 'ACTIVE', failureReason: null });
  });

  it('carries Personalize’s failure reason on CREATE FAILED', async () => {
    // Act
    const next = await getJobStatus(state, { jobs: jobsWith('CREATE FAILED', 'Input data is not valid JSON Lines'), now: at(900) });

    // Assess
    expect(next.poll).toMatchObject({ terminal: true, failureReason: 'Input data is not valid JSON Lines' });
  });

  it('lets a lost job error through', async () => {
    // Prepare
    const jobs = new FakeBatchJobs();
    jobs.describe = async (jobArn) => {
      throw new JobLostError(`Batch inference job ${jobArn} does not exist`);
    };

    // Act & Assess
    await expect(getJobStatus(state, { jobs, now: at(60) })).rejects.toMatchObject({ name: 'JobLostError' });
  });

  describe('with the job slot queues', () => {
    const holder = (runId: string) => ({ runId, executionArn: `arn:${runId}`, jobName: `job-${runId}`, since: CREATED_AT });
    const queuesWithWaiter = async () => {
      const queues = fakeSlotQueues(1, at(0));
      queues.BATCH_INFERENCE.slots.held.set('run-1', holder('run-1'));
      queues.BATCH_INFERENCE.tasks.live.add('token-next');
      await queues.BATCH_INFERENCE.slots.enqueue({ ...holder('run-next'), priority: 5, sortKey: '4#a#run-next', taskToken: 'token-next' });
      return queues;
    };

    it.each([['ACTIVE'], ['CREATE FAILED']])('frees the slot of a job that ended (%s) and wakes the next run at once', async (status) => {
      // Prepare
      const queues = await queuesWithWaiter();

      // Act
      await getJobStatus(state, { jobs: jobsWith(status), now: at(400), queues });

      // Assess
      expect([...queues.BATCH_INFERENCE.slots.held.keys()]).toEqual(['run-next']);
      expect(queues.BATCH_INFERENCE.tasks.succeeded.map((woken) => woken.taskToken)).toEqual(['token-next']);
    });

    it('keeps the slot while the job runs, and when the run gives up on a job still running (it still uses the quota)', async () => {
      // Prepare
      const queues = await queuesWithWaiter();

      // Act
      await getJobStatus(state, { jobs: jobsWith('CREATE IN_PROGRESS'), now: at(400), queues });
      const timedOut = await getJobStatus(state, { jobs: jobsWith('CREATE IN_PROGRESS'), now: at(3600), queues });

      // Assess
      expect(timedOut.poll.timedOut).toBe(true);
      expect([...queues.BATCH_INFERENCE.slots.held.keys()]).toEqual(['run-1']);
      expect(queues.BATCH_INFERENCE.tasks.succeeded).toEqual([]);
    });

    it('reports the status even when the slot cannot be freed now (the closed-execution path frees it)', async () => {
      // Prepare
      const queues = await queuesWithWaiter();
      queues.BATCH_INFERENCE.slots.release = async () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
      };
      const warnings: string[] = [];

      // Act
      const next = await getJobStatus(state, { jobs: jobsWith('ACTIVE'), now: at(400), queues, warn: (message) => warnings.push(message) });

      // Assess
      expect(next.next).toBe('VERIFY');
      expect(warnings).toEqual([expect.stringMatching(/Could not free the job slot/)]);
    });
  });
});

describe('getJobStatus with output events', () => {
  const outputEvents = { bucket: 'data', prefix: 'output/' };
  const inBucket = runState(
    { runId: 'run-1', jobArn: jobArnFor('run-1'), jobCreatedAt: CREATED_AT, outputLocation: 's3://data/output/run-1/users.jsonl.out', polling: policy() },
    { count: 1 },
  );

  it('waits for the output (WAIT_FOR_OUTPUT) while the job runs, when the output lands in the data bucket\'s output prefix', async () => {
    const next = await getJobStatus(inBucket, { jobs: jobsWith('CREATE IN_PROGRESS'), now: at(600), outputEvents });
    expect(next).toMatchObject({ next: 'WAIT_FOR_OUTPUT', poll: { count: 2, awaitOutput: true, waitSeconds: 600 } });
  });

  it('polls (POLL) when the output goes elsewhere', async () => {
    const elsewhere = { ...inBucket, run: { ...inBucket.run, outputLocation: 's3://elsewhere/users.jsonl.out' } };
    const next = await getJobStatus(elsewhere, { jobs: jobsWith('CREATE IN_PROGRESS'), now: at(600), outputEvents });
    expect(next.next).toBe('POLL');
  });

  it('re-polls in 15 s after a wake-up that found the job still running, and verifies once it is ACTIVE', async () => {
    // Prepare: "Wait for job output" put the object that woke the run in the poll state.
    const woken = { ...inBucket, poll: { ...inBucket.poll, outputSeen: { bucket: 'data', key: 'output/run-1/users.jsonl.out' } } };

    // Act
    const stillRunning = await getJobStatus(woken, { jobs: jobsWith('CREATE IN_PROGRESS'), now: at(3600), outputEvents });
    const done = await getJobStatus(stillRunning, { jobs: jobsWith('ACTIVE'), now: at(3615), outputEvents });

    // Assess
    expect(stillRunning).toMatchObject({ next: 'POLL', poll: { count: 2, wokenAtPoll: 2, waitSeconds: 15 } });
    expect(stillRunning.poll).not.toHaveProperty('outputSeen');
    expect(done).toMatchObject({ next: 'VERIFY', poll: { count: 3, status: 'ACTIVE', elapsedSeconds: 3615 } });
  });
});
