import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { S3EventRecord } from 'aws-lambda';
import { checkFanIn } from '../../bench/fan-in-check';
import { mixDeliveries } from '../../bench/fan-in-schedule';
import { triggerDependencies } from '../../src/composition/trigger';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';
import { trigger, type TriggerSummary } from '../../src/use-cases/trigger';
import type { Executions } from '../../src/use-cases/ports';
import { withLocalEnvironment } from '../support/local-run';

/*
 * Issue 10's fan-in (`npm run bench:fan-in` pushes 1,000 deliveries) at a size that keeps `npm test`
 * quick. Every figure is read back from the stand-ins: executions from ListExecutions, run records
 * from the runs table; the trigger's own summary is only compared with them.
 */
describe('fan-in: many S3 deliveries, some of them duplicates', () => {
  it('starts exactly one run per object when 60 deliveries (20 duplicates, 8 of them concurrent with their original) arrive in batches, 4 in flight, and none when the duplicates come again after the runs closed', async () => {
    // Act
    const { fanIn, afterClose } = await checkFanIn({ objects: 40, duplicates: 20, concurrentDuplicates: 8, maxBatch: 5, inFlight: 4, seed: 7, redeliverAfterClose: true });

    // Assess: what the stand-ins hold after the fan-in.
    expect(fanIn.schedule.concurrentDuplicates).toBe(8);
    expect(fanIn.failedInvocations).toBe(0);
    expect(fanIn.executionsStarted).toBe(40);
    expect(fanIn.duplicatesStarted).toBe(0);
    expect(fanIn.objectsWithoutRun).toBe(0);
    expect(fanIn.runRecords).toBe(40);
    expect(fanIn.deliveriesRecorded).toBe(60);
    expect(fanIn.recordsWithWrongDeliveries).toBe(0);
    // The trigger's summaries agree with them: each delivery is one start or one duplicate.
    expect(fanIn.summaries).toEqual({ started: 40, duplicates: 20, ignored: 0 });

    // Assess: the 20 duplicates again, each finding its run closed (ExecutionAlreadyExists).
    expect(afterClose?.schedule.deliveries).toBe(20);
    expect(afterClose?.failedInvocations).toBe(0);
    expect(afterClose?.executionsStarted).toBe(40);
    expect(afterClose?.duplicatesStarted).toBe(0);
    expect(afterClose?.runRecords).toBe(40);
    expect(afterClose?.deliveriesRecorded).toBe(80);
    expect(afterClose?.recordsWithWrongDeliveries).toBe(0);
    expect(afterClose?.summaries).toEqual({ started: 0, duplicates: 20, ignored: 0 });
  }, 30_000);

  it('mixes each duplicate after its original, or beside it in a twin invocation that starts in the same tick', () => {
    // Prepare
    const originals = Array.from({ length: 30 }, (_, index) => record(`input/object-${index}.jsonl`));

    // Act
    const schedule = mixDeliveries(originals, { duplicates: 15, concurrentDuplicates: 5, maxBatch: 4, seed: 3 });

    // Assess
    const flat = schedule.units.flatMap((unit, unitIndex) => unit.flatMap((batch, batchIndex) => batch.map((item) => ({ item, unitIndex, batchIndex }))));
    expect(flat).toHaveLength(45);
    expect([...schedule.deliveriesByKey.values()].reduce((sum, count) => sum + count, 0)).toBe(45);
    expect(schedule.deliveriesByKey.size).toBe(30);
    expect(schedule.units.flat().every((batch) => batch.length >= 1 && batch.length <= 4)).toBe(true);
    for (const original of originals) {
      const deliveries = flat.filter(({ item }) => item === original);
      const first = deliveries[0];
      // The first delivery of each object is its original (batch 0 of its unit); every other one is a
      // twin beside it (same unit, batch 1) or in a later unit.
      expect(first?.batchIndex).toBe(0);
      for (const duplicate of deliveries.slice(1)) {
        expect(duplicate.unitIndex > (first?.unitIndex ?? 0) || (duplicate.unitIndex === first?.unitIndex && duplicate.batchIndex === 1)).toBe(true);
      }
    }
    expect(schedule.units.filter((unit) => unit.length === 2).flatMap((unit) => unit[1] ?? [])).toHaveLength(5);
  });

  it('counts the run as started by its first delivery when a redelivery finds it already closed before the first delivery recorded it', async () => {
    // The run's Tasks fail before their handlers and wait on the virtual clock to retry: nothing of
    // the run is in flight when it is stopped.
    const holdRuns = (functionKey: string) => (functionKey === 'trigger' ? undefined : 'Lambda.ServiceException');
    await withLocalEnvironment({ deliverUploads: false, injectFault: holdRuns }, async (environment, sfn) => {
      // Prepare: the trigger's real adapters on the stand-ins. The first delivery's StartExecution
      // succeeds; before it records the run, the run closes (here: stopped; on AWS a run that fails
      // at once while the first delivery's UpdateItem is throttled and retried) and a redelivery of
      // the same event runs whole, finding the execution closed (ExecutionAlreadyExists).
      await environment.upload('input/closes-early.jsonl', '{"userId":"user-001"}\n');
      const event = { Records: environment.notifications().flatMap((notification) => notification.Records) };
      const dynamodb = new DynamoDBClient({ region: environment.region, credentials: LOCAL_CREDENTIALS, endpoint: environment.endpoints.dynamodb });
      const env = { STATE_MACHINE_ARN: environment.stateMachineArn, RUNS_TABLE_NAME: environment.runsTable, DATA_BUCKET: environment.bucket };
      const deps = { ...triggerDependencies(env, { clients: { stepFunctions: sfn, s3: environment.s3, dynamodb } }), log: { info: () => undefined } };
      let redelivery: TriggerSummary | undefined;
      const closesBeforeRecorded: Executions = {
        async start(request) {
          const result = await deps.executions.start(request);
          if (result.started && !redelivery) {
            await sfn.send(new StopExecutionCommand({ executionArn: result.executionArn, cause: 'closed before the trigger recorded it' }));
            redelivery = await trigger(event, deps);
          }
          return result;
        },
      };

      // Act
      const first = await trigger(event, { ...deps, executions: closesBeforeRecorded });
      await environment.closedExecutionsSettled();

      // Assess: one execution, started by the first delivery; the redelivery is the duplicate.
      const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: environment.stateMachineArn }));
      expect(executions).toHaveLength(1);
      expect(first.started.map((run) => run.executionName)).toEqual([executions?.[0]?.name]);
      expect(first.duplicates).toEqual([]);
      expect(redelivery?.started).toEqual([]);
      expect(redelivery?.duplicates.map((run) => run.executionName)).toEqual([executions?.[0]?.name]);
      expect(await environment.getRunRecord(executions?.[0]?.name ?? '')).toMatchObject({ deliveries: 2, acceptedAt: expect.any(String) });
      dynamodb.destroy();
    });
  }, 30_000);
});

function record(key: string): S3EventRecord {
  return { eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'bucket' }, object: { key, size: 1, eTag: 'e', sequencer: '1' } } } as S3EventRecord;
}
