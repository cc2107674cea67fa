import { CreateBatchInferenceJobCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import definition from '../../statemachine/batch-inference.asl.json';
import { RUN_INPUT_MAX_BYTES, SOURCE_MAX_BYTES, parseRunInput } from '../../src/domain/run-input';
import { LOCAL_CREDENTIALS } from '../../src/local/local-aws';
import type { LocalEnvironment } from '../../src/local/local-environment';
import { historyOf, runManually, withLocalEnvironment } from '../support/local-run';

/** Step Functions' limit on every state's input and output, and every Task's parameters and result. */
const STATE_LIMIT_BYTES = 262_144;
const bytes = (value: unknown) => Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
/** A three-byte UTF-8 character: the most bytes per UTF-16 unit a schema length check counts. */
const WIDE = '語';

type Json = Record<string, unknown>;
const states = definition.States as unknown as Record<string, { Type: string; Parameters?: Json }>;

/** Resolves a Task's `Parameters` as Step Functions does (`.$` keys: `$`, `$.a.b`, `$$.Execution.X`). */
function resolveParameters(template: Json, input: unknown, context: Json): Json {
  return Object.fromEntries(
    Object.entries(template).map(([key, value]) => {
      if (!key.endsWith('.$')) return [key, typeof value === 'object' && value !== null ? resolveParameters(value as Json, input, context) : value];
      const path = String(value);
      const [root, segments] = path.startsWith('$$.') ? [context, path.slice(3).split('.')] : [input, path === '$' ? [] : path.slice(2).split('.')];
      return [key.slice(0, -2), segments.reduce<unknown>((current, segment) => (current as Json | undefined)?.[segment], root)];
    }),
  );
}

/** Every size Step Functions checks in one execution: state inputs and outputs, and each Task's Lambda payload. */
function measure(history: HistoryEvent[], execution: { executionArn: string; name: string; input: string; startDate: Date }) {
  const context = { Execution: { Id: execution.executionArn, Name: execution.name, StartTime: execution.startDate.toISOString(), Input: JSON.parse(execution.input) } };
  const sizes: Array<{ what: string; bytes: number }> = [{ what: 'execution input', bytes: bytes(execution.input) }];
  for (const event of history) {
    const entered = event.stateEnteredEventDetails;
    const exited = event.stateExitedEventDetails;
    if (entered?.name && entered.input !== undefined) {
      sizes.push({ what: `${entered.name} input`, bytes: bytes(entered.input) });
      const parameters = states[entered.name]?.Parameters;
      if (parameters) sizes.push({ what: `${entered.name} Payload`, bytes: bytes(resolveParameters(parameters, JSON.parse(entered.input), context)) });
    }
    if (exited?.name && exited.output !== undefined) sizes.push({ what: `${exited.name} output`, bytes: bytes(exited.output) });
  }
  return sizes;
}

/** A 256-character output folder of three-byte characters, in folders s3rver can keep as files (< 255 bytes). */
function longestOutputPath(bucket: string): string {
  let path = `s3://${bucket}/output/`;
  while (path.length < 256) path += path.length + 82 <= 256 ? `${WIDE.repeat(80)}/` : `${WIDE.repeat(256 - path.length - 1)}/`;
  return path;
}

/** The largest execution input the schema accepts: every member at its longest, tags filling what is left. */
function worstCaseInput(environment: LocalEnvironment, inputKey: string, overrides: Json): Json {
  const arn = (prefix: string, max: number) => `${prefix}${'x'.repeat(max - prefix.length)}`;
  const input: Json = {
    inputPath: `s3://${environment.bucket}/${inputKey}`,
    jobGroup: 'worst',
    jobName: `w${'x'.repeat(62)}`,
    outputPath: longestOutputPath(environment.bucket),
    solutionVersionArn: environment.personalize.catalog.solutionVersions[0]!.arn,
    roleArn: environment.personalizeRoleArn,
    numResults: 10,
    inputKmsKeyArn: arn('arn:aws:kms:us-east-1:123456789012:key/', 2048),
    outputKmsKeyArn: arn('arn:aws:kms:us-east-1:123456789012:key/', 2048),
    maxWaitSeconds: 86_400,
    maxPolls: 2000,
    source: { type: 'manual', note: WIDE.repeat(Math.floor((SOURCE_MAX_BYTES - 40) / 3)) },
    ...overrides,
  };
  const tags: Array<{ tagKey: string; tagValue: string }> = [];
  input.tags = tags;
  for (let index = 0; index < 200; index += 1) {
    const tag = { tagKey: `${index}`.padEnd(128, WIDE), tagValue: WIDE.repeat(256) };
    if (bytes({ ...input, tags: [...tags, tag] }) > RUN_INPUT_MAX_BYTES) {
      // The last tag takes exactly the room left.
      const room = RUN_INPUT_MAX_BYTES - bytes({ ...input, tags: [...tags, { ...tag, tagValue: '' }] });
      if (room >= 0) tags.push({ ...tag, tagValue: WIDE.repeat(Math.floor(room / 3)) });
      break;
    }
    tags.push(tag);
  }
  return input;
}

describe('payload sizes at every step, for the largest input the schema accepts', () => {
  it('stays under 262,144 bytes on every state input, output and Lambda payload, on a run that waits, fails and succeeds', async () => {
    await withLocalEnvironment({ jobDurations: { pendingMs: 30_000, inProgressMs: 30_000 }, maxConcurrentJobs: 1, random: () => 0.5, deliverUploads: false }, async (environment, sfn) => {
      // Prepare: an input key of 1,024 bytes (folders under 255 bytes for s3rver's files), a group
      // file with every setting at its largest (200 long tags, 100 exploration entries), and a
      // job holding the only slot, so both runs queue.
      const folder = WIDE.repeat(80);
      let inputKey = `input/worst/${folder}/${folder}/${folder}/${folder}/`;
      inputKey += `${'k'.repeat(1024 - bytes(inputKey) - '.jsonl'.length)}.jsonl`;
      await environment.upload(inputKey, '{"userId":"user-001"}\n{"userId":"user-002"}');
      const groupFile = {
        batchInferenceJobConfig: {
          itemExplorationConfig: Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`${index}`.padEnd(256, WIDE), WIDE.repeat(1000)])),
        },
        tags: Array.from({ length: 200 }, (_, index) => ({ tagKey: `${index}`.padEnd(128, WIDE), tagValue: WIDE.repeat(256) })),
      };
      await environment.s3.send(new PutObjectCommand({ Bucket: environment.bucket, Key: 'config/worst.json', Body: JSON.stringify(groupFile) }));
      await environment.upload('manual/blocker.jsonl', '{"userId":"user-001"}');
      const personalize = new PersonalizeClient({ endpoint: environment.endpoints.personalize, region: environment.region, credentials: LOCAL_CREDENTIALS });
      await personalize.send(
        new CreateBatchInferenceJobCommand({
          jobName: 'blocker',
          solutionVersionArn: environment.personalize.catalog.solutionVersions[0]!.arn,
          roleArn: environment.personalizeRoleArn,
          jobInput: { s3DataSource: { path: `s3://${environment.bucket}/manual/blocker.jsonl` } },
          jobOutput: { s3DataDestination: { path: `s3://${environment.bucket}/output/blocker/` } },
        }),
      );
      personalize.destroy();
      const giveUp = worstCaseInput(environment, inputKey, { maxQueueSeconds: 30 });
      const succeed = worstCaseInput(environment, inputKey, { jobName: `s${'x'.repeat(62)}`, maxQueueSeconds: 3600 });
      expect(bytes(giveUp)).toBeGreaterThan(RUN_INPUT_MAX_BYTES - 1024);
      expect(bytes(succeed)).toBeLessThanOrEqual(RUN_INPUT_MAX_BYTES);
      expect(() => parseRunInput(succeed)).not.toThrow();
      expect(bytes(groupFile)).toBeGreaterThan(STATE_LIMIT_BYTES * 2);

      // Act: the first run queues, then gives up (a caught error beside the queued state); the
      // second queues until the slot frees, then polls its job to the end.
      const failed = await runManually(environment, sfn, `worst-gives-up-${'x'.repeat(60)}`, giveUp);
      const succeeded = await runManually(environment, sfn, `worst-succeeds-${'x'.repeat(60)}`, succeed);

      // Assess
      const failedRecord = await environment.getRunRecord(failed.name);
      const succeededRecord = await environment.getRunRecord(succeeded.name);
      expect(failedRecord).toMatchObject({ status: 'FAILED', errorType: 'CapacityWaitExceededError', capacityAttempts: 1 });
      expect(succeededRecord).toMatchObject({ status: 'SUCCEEDED', capacityAttempts: expect.any(Number) });
      const sizes = [
        ...measure(await historyOf(sfn, failed.executionArn), failed),
        ...measure(await historyOf(sfn, succeeded.executionArn), succeeded),
      ];
      for (const step of ['Start job Payload', 'Wait for a job slot input', 'Get job status Payload', 'Record run Payload', 'Record run output', 'Run failed input']) {
        expect(sizes.map((size) => size.what)).toContain(step);
      }
      const largest = sizes.reduce((max, size) => (size.bytes > max.bytes ? size : max));
      expect(largest.bytes).toBeLessThan(STATE_LIMIT_BYTES);
      // The run's own state never carries the input or the group's settings: a few KB at most.
      for (const size of sizes.filter((entry) => !/Payload|execution input|Receive run request input/.test(entry.what))) {
        expect({ ...size, bytes: size.bytes < 16_384 }).toEqual({ ...size, bytes: true });
      }
    });
  });
});
