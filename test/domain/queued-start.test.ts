import { DEFAULT_POLLING_POLICY } from '../../src/domain/polling-policy';
import { parseQueuedStart, type QueuedStart } from '../../src/domain/queued-start';
import { INPUT_PATH, OUTPUT_BASE_URI, ROLE_ARN, SOLUTION_VERSION_ARN, stagedFolder } from '../support/sample-run';

const queued: QueuedStart = {
  since: '2026-01-15T10:00:00.000Z',
  attempts: 2,
  waitSeconds: 68,
  lastRefusal: 'Personalize is busy (LimitExceededException): limit reached',
  input: { inputPath: INPUT_PATH, jobGroup: 'default', maxQueueSeconds: 600 },
  settings: {
    jobName: 'run-1-abc',
    solutionVersionArn: SOLUTION_VERSION_ARN,
    roleArn: ROLE_ARN,
    inputPath: stagedFolder('run-1'),
    outputPath: `${OUTPUT_BASE_URI}run-1/`,
    numResults: 25,
    tags: [{ tagKey: 'team', tagValue: 'recs' }],
    polling: { ...DEFAULT_POLLING_POLICY },
  },
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
    ['without settings', { ...queued, settings: undefined }],
    ['with an input that has an unknown member', { ...queued, input: { ...queued.input, colour: 'blue' } }],
    ['with a polling policy missing maxPolls', { ...queued, settings: { ...queued.settings, polling: { ...DEFAULT_POLLING_POLICY, maxPolls: undefined } } }],
    ['with attempts as text', { ...queued, attempts: '2' }],
  ])('refuses a queued state %s', (_name, raw) => {
    expect(parseQueuedStart(JSON.parse(JSON.stringify(raw)))).toBeUndefined();
  });
});
