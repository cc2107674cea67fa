import { ConfigurationError } from '../../src/domain/errors';
import { DEFAULT_POLLING_POLICY } from '../../src/domain/polling-policy';
import { parseQueuedStart, parseResolvedStart, sha256Hex, type QueuedStart, type ResolvedStart } from '../../src/domain/queued-start';
import { DATA_BUCKET, INPUT_PATH, OUTPUT_BASE_URI, ROLE_ARN, SOLUTION_VERSION_ARN, stagedFolder } from '../support/sample-run';

const resolved: ResolvedStart = {
  input: { inputPath: INPUT_PATH, jobGroup: 'default', maxQueueSeconds: 600 },
  settings: {
    jobName: 'run-1-abc',
    solutionVersionArn: SOLUTION_VERSION_ARN,
    roleArn: ROLE_ARN,
    inputPath: stagedFolder('run-1'),
    outputPath: `${OUTPUT_BASE_URI}run-1/`,
    inputFileName: 'users.jsonl',
    numResults: 25,
    tags: [{ tagKey: 'team', tagValue: 'recs' }],
    polling: { ...DEFAULT_POLLING_POLICY },
  },
};
const resolvedText = JSON.stringify(resolved);

const queued: QueuedStart = {
  since: '2026-01-15T10:00:00.000Z',
  attempts: 2,
  waitSeconds: 68,
  lastRefusal: 'Personalize is busy (LimitExceededException): limit reached',
  resolved: { uri: `s3://${DATA_BUCKET}/staging/run-1.start.json`, sha256: sha256Hex(resolvedText) },
};

describe('parseQueuedStart', () => {
  it('reads back what the start step wrote, after a JSON round trip', () => {
    // Act & Assess
    expect(parseQueuedStart(JSON.parse(JSON.stringify(queued)))).toEqual(queued);
  });

  it.each([null, undefined])('reads %s as a first attempt', (raw) => {
    expect(parseQueuedStart(raw)).toBeUndefined();
  });

  it.each([
    ['without its resolved start', { ...queued, resolved: undefined }],
    ['with a resolved start that has no hash', { ...queued, resolved: { uri: queued.resolved.uri } }],
    ['with attempts as text', { ...queued, attempts: '2' }],
  ])('refuses a queued state %s', (_name, raw) => {
    expect(parseQueuedStart(JSON.parse(JSON.stringify(raw)))).toBeUndefined();
  });
});

describe('parseResolvedStart', () => {
  it('reads back the resolved start the queued state names', () => {
    expect(parseResolvedStart(resolvedText, queued)).toEqual(resolved);
  });

  it('refuses a resolved start whose text changed since the first attempt wrote it', () => {
    // Prepare
    const edited = JSON.stringify({ ...resolved, settings: { ...resolved.settings, numResults: 99 } });

    // Act & Assess
    expect(() => parseResolvedStart(edited, queued)).toThrow(ConfigurationError);
    expect(() => parseResolvedStart(edited, queued)).toThrow(`were changed at ${queued.resolved.uri}`);
  });

  it.each([
    ['with an input that has an unknown member', { ...resolved, input: { ...resolved.input, colour: 'blue' } }],
    ['with a polling policy missing maxPolls', { ...resolved, settings: { ...resolved.settings, polling: { ...DEFAULT_POLLING_POLICY, maxPolls: undefined } } }],
  ])('refuses a resolved start %s', (_name, raw) => {
    const text = JSON.stringify(raw);
    expect(() => parseResolvedStart(text, { ...queued, resolved: { ...queued.resolved, sha256: sha256Hex(text) } })).toThrow('does not hold a resolved start');
  });
});
