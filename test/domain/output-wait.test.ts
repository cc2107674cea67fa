import { createdOutputObjects, folderOf, outputWaitTarget, wakesTarget } from '../../src/domain/output-wait';

const SCOPE = { bucket: 'data', prefix: 'output/' };

describe('outputWaitTarget', () => {
  it('waits for the exact .out key of a file input, registered under its folder', () => {
    expect(outputWaitTarget('s3://data/output/run-1/users.jsonl.out', SCOPE)).toEqual({ bucket: 'data', folderKey: 'output/run-1/', fileKey: 'output/run-1/users.jsonl.out' });
  });

  it('waits for any .out in the folder of a folder input, with or without its trailing slash', () => {
    expect(outputWaitTarget('s3://data/output/run-1/', SCOPE)).toEqual({ bucket: 'data', folderKey: 'output/run-1/' });
    expect(outputWaitTarget('s3://data/output/run-1', SCOPE)).toEqual({ bucket: 'data', folderKey: 'output/run-1/' });
  });

  it.each([
    ['another bucket', 's3://elsewhere/output/run-1/users.jsonl.out'],
    ['outside the output prefix', 's3://data/results/run-1/users.jsonl.out'],
    ['not an S3 URI', 'https://data/output/run-1/users.jsonl.out'],
  ])('has nothing to wait for in %s: no event of this stack covers it', (_case, location) => {
    expect(outputWaitTarget(location, SCOPE)).toBeUndefined();
  });
});

describe('wakesTarget', () => {
  it('wakes a file input only by its own key', () => {
    const target = { folderKey: 'output/run-1/', fileKey: 'output/run-1/users.jsonl.out' };
    expect(wakesTarget(target, 'output/run-1/users.jsonl.out')).toBe(true);
    expect(wakesTarget(target, 'output/run-1/other.jsonl.out')).toBe(false);
  });

  it('wakes a folder input by any .out directly in its folder, not in a sub-folder', () => {
    const target = { folderKey: 'output/run-1/' };
    expect(wakesTarget(target, 'output/run-1/a.jsonl.out')).toBe(true);
    expect(wakesTarget(target, 'output/run-1/_manifest.json')).toBe(false);
    expect(wakesTarget(target, 'output/run-1/deeper/a.jsonl.out')).toBe(false);
    expect(folderOf('top.out')).toBe('');
  });
});

describe('createdOutputObjects', () => {
  const record = (key: string, eventName = 'ObjectCreated:CompleteMultipartUpload', bucket = 'data') => ({ eventName, s3: { bucket: { name: bucket }, object: { key } } });

  it('keeps the .out objects under the output prefix an S3 notification names, with keys decoded as S3 encodes them', () => {
    const event = { Records: [record('output/run-1/weekly+users%2B.jsonl.out'), record('output/run-1/a.jsonl'), record('input/x.out'), record('output/r/x.out', 'ObjectRemoved:Delete'), record('output/r/y.out', 'ObjectCreated:Put', 'other')] };
    expect(createdOutputObjects(event, SCOPE)).toEqual([{ bucket: 'data', keys: ['output/run-1/weekly users+.jsonl.out'] }]);
  });

  it('takes S3\'s EventBridge "Object Created" event, keeping both spellings of a key that may be encoded', () => {
    const event = { source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: 'data' }, object: { key: 'output/run-1/weekly+users.jsonl.out' } } };
    expect(createdOutputObjects(event, SCOPE)).toEqual([{ bucket: 'data', keys: ['output/run-1/weekly+users.jsonl.out', 'output/run-1/weekly users.jsonl.out'] }]);
  });

  it('finds nothing in a test event or a malformed key', () => {
    expect(createdOutputObjects({ Event: 's3:TestEvent' }, SCOPE)).toEqual([]);
    expect(createdOutputObjects({ Records: [record('output/run-1/%E0%A4%A.out')] }, SCOPE)).toEqual([]);
  });
});
