import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeBatchInferenceJobCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';
import { historyOf, withLocalEnvironment } from '../support/local-run';

const USERS = '{"userId":"user-001"}\n{"userId":"user-002"}\n';
const QUICK_JOBS = { pendingMs: 60_000, inProgressMs: 120_000 };

describe('local mode with a data dir', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pbo-data-dir-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the record, the output, the job and the execution with its history across a restart', async () => {
    // Prepare: one run to the end, then a stop.
    let runId = '';
    let executionArn = '';
    let jobArn = '';
    let history = 0;
    await withLocalEnvironment({ jobDurations: QUICK_JOBS, dataDir }, async (environment, sfn) => {
      await environment.upload('input/users.jsonl', USERS);
      const [summary] = await environment.triggersSettled();
      runId = summary?.started[0]?.executionName ?? '';
      executionArn = summary?.started[0]?.executionArn ?? '';
      await environment.stepFunctions.waitForExecution(executionArn);
      await environment.closedExecutionsSettled();
      jobArn = String((await environment.getRunRecord(runId))?.jobArn);
      history = (await historyOf(sfn, executionArn)).length;
    });

    // Act
    await withLocalEnvironment({ dataDir }, async (environment, sfn) => {
      const record = await environment.getRunRecord(runId);
      const outputs = await environment.s3.send(new ListObjectsV2Command({ Bucket: environment.bucket, Prefix: `${environment.outputPrefix}${runId}/` }));
      const personalize = new PersonalizeClient({ endpoint: environment.endpoints.personalize, region: environment.region, credentials: LOCAL_CREDENTIALS });
      const job = await personalize.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: jobArn }));
      personalize.destroy();
      const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      const events = await historyOf(sfn, executionArn);

      // Assess
      expect(record).toMatchObject({ runId, status: 'SUCCEEDED' });
      expect(outputs.Contents?.map((object) => object.Key)).toContainEqual(expect.stringMatching(/\.out$/));
      expect(job.batchInferenceJob).toMatchObject({ batchInferenceJobArn: jobArn, status: 'ACTIVE' });
      expect(execution).toMatchObject({ executionArn, status: 'SUCCEEDED' });
      expect(events).toHaveLength(history);
      expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
    });
  });
});

describe('the trigger failure queue', () => {
  it('receives an upload whose trigger invocation failed three times, and a replay starts its run once', async () => {
    // Prepare: the trigger fails before it runs, three times: Lambda's attempt and its two retries.
    let failures = 0;
    const injectFault = (key: string) => (key === 'trigger' && failures++ < 3 ? 'Lambda.ServiceException' : undefined);
    await withLocalEnvironment({ jobDurations: QUICK_JOBS, injectFault }, async (environment) => {
      await environment.upload('input/users.jsonl', USERS);
      await environment.triggersSettled().catch(() => undefined);

      // Act
      const queued = environment.failures();
      const summary = await environment.replayFailure(queued[0]?.id ?? '');
      const again = await environment.replayFailure(queued[0]?.id ?? '').catch((error: Error) => error.message);

      // Assess
      expect(queued).toHaveLength(1);
      expect(queued[0]).toMatchObject({
        requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3, functionArn: expect.stringMatching(/:function:personalize-batch-orchestrator-local-trigger:\$LATEST$/) },
        requestPayload: { Records: [{ s3: { object: { key: 'input/users.jsonl' } } }] },
        responsePayload: { errorType: 'Lambda.ServiceException' },
      });
      expect(summary.started).toHaveLength(1);
      expect(environment.failures()).toEqual([]);
      expect(again).toMatch(/^no failed trigger invocation /);
      const executionArn = summary.started[0]?.executionArn ?? '';
      await environment.stepFunctions.waitForExecution(executionArn);
      expect(environment.stepFunctions.executions()).toHaveLength(1);
    });
  });
});
