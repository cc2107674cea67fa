import { decodeS3EventKey, selectUploadedObjects } from '../../src/domain/s3-event';
import mixedRecordsEvent from '../fixtures/s3-mixed-records-event.json';
import putEvent from '../fixtures/s3-put-event.json';
import testEvent from '../fixtures/s3-test-event.json';
import { s3Event } from '../support/sample-run';
import { PUT_FIXTURE_OBJECT } from '../support/sample-run';

const inputs = { inputPrefix: 'input/' };

describe('decodeS3EventKey', () => {
  it.each([
    ['"+" as a space', 'input/weekly+users.jsonl', 'input/weekly users.jsonl'],
    ['"%2B" as a literal plus', 'input/a%2Bb.jsonl', 'input/a+b.jsonl'],
    ['both in one key', 'input/a%2Bb+c.jsonl', 'input/a+b c.jsonl'],
    ['UTF-8 percent escapes', 'input/caf%C3%A9.jsonl', 'input/café.jsonl'],
    ['"%2F" as a slash', 'input%2Fusers.jsonl', 'input/users.jsonl'],
    ['"%25" as a percent sign', 'input/100%25.jsonl', 'input/100%.jsonl'],
    ['a key that needs no decoding', 'input/users.jsonl', 'input/users.jsonl'],
  ])('decodes %s', (_label, encoded, decoded) => {
    // Act & Assess
    expect(decodeS3EventKey(encoded)).toBe(decoded);
  });

  it('throws on a malformed escape', () => {
    // Act & Assess
    expect(() => decodeS3EventKey('input/%E0%A4%A.jsonl')).toThrow(URIError);
  });
});

describe('selectUploadedObjects', () => {
  it('selects the object from a real ObjectCreated:Put notification', () => {
    // Act
    const { objects, ignored } = selectUploadedObjects(s3Event(putEvent), inputs);

    // Assess
    expect(ignored).toEqual([]);
    expect(objects).toEqual([PUT_FIXTURE_OBJECT]);
  });

  it('ignores the s3:TestEvent sent when a notification is configured', () => {
    // Act
    const { objects, ignored } = selectUploadedObjects(structuredClone(testEvent), inputs);

    // Assess
    expect(objects).toEqual([]);
    expect(ignored).toEqual([{ reason: 'not an object notification (s3:TestEvent)' }]);
  });

  it('ignores an event with neither Records nor Event', () => {
    // Act
    const { objects, ignored } = selectUploadedObjects({}, inputs);

    // Assess
    expect(objects).toEqual([]);
    expect(ignored).toEqual([{ reason: 'not an object notification (an event without Records)' }]);
  });

  it('sorts every record of a mixed notification into objects and ignored records', () => {
    // Act
    const { objects, ignored } = selectUploadedObjects(s3Event(mixedRecordsEvent), inputs);

    // Assess
    expect(objects.map((object) => object.key)).toEqual(['input/weekly users.jsonl', 'input/big+batch.jsonl', 'input/café résumé.jsonl']);
    expect(ignored).toEqual([
      { key: 'input/old-users.jsonl', reason: 'event ObjectRemoved:Delete is not an object creation' },
      { key: 'output/run-1/users.jsonl.out', reason: 'key is outside the input prefix "input/"' },
      { key: 'input/archive/', reason: 'key is a folder marker' },
      { key: 'input/empty.jsonl', reason: 'object is empty (0 bytes)' },
    ]);
  });

  it('leaves versionId out for an unversioned bucket', () => {
    // Act
    const { objects } = selectUploadedObjects(s3Event(mixedRecordsEvent), inputs);

    // Assess
    expect(objects[0]).toEqual({
      bucket: 'personalize-batch-dev-data',
      key: 'input/weekly users.jsonl',
      size: 2048,
      eTag: '6f5902ac237024bdd0c176cb93063dc4',
      versionId: undefined,
      sequencer: '0062E99A88DC407460',
      eventTime: '2026-01-15T10:22:01.105Z',
    });
  });

  it('accepts every ObjectCreated event type', () => {
    // Prepare
    const event = s3Event(putEvent);
    const template = event.Records[0]!;
    event.Records = ['Put', 'Post', 'Copy', 'CompleteMultipartUpload'].map((type, index) => ({
      ...structuredClone(template),
      eventName: `ObjectCreated:${type}`,
      s3: { ...structuredClone(template.s3), object: { ...template.s3.object, key: `input/${index}.jsonl` } },
    }));

    // Act
    const { objects, ignored } = selectUploadedObjects(event, inputs);

    // Assess
    expect(objects).toHaveLength(4);
    expect(ignored).toEqual([]);
  });

  it('matches the prefix against the decoded key', () => {
    // Prepare
    const event = s3Event(putEvent);
    event.Records[0]!.s3.object.key = 'my+input/users.jsonl';

    // Act
    const { objects } = selectUploadedObjects(event, { inputPrefix: 'my input/' });

    // Assess
    expect(objects.map((object) => object.key)).toEqual(['my input/users.jsonl']);
  });

  it('accepts every key when the prefix is empty', () => {
    // Act
    const { objects } = selectUploadedObjects(s3Event(mixedRecordsEvent), { inputPrefix: '' });

    // Assess
    expect(objects.map((object) => object.key)).toContain('output/run-1/users.jsonl.out');
  });

  it('does not treat a key that merely starts like the prefix folder as inside it', () => {
    // Prepare
    const event = s3Event(putEvent);
    event.Records[0]!.s3.object.key = 'inputs-old/users.jsonl';

    // Act
    const { objects, ignored } = selectUploadedObjects(event, inputs);

    // Assess
    expect(objects).toEqual([]);
    expect(ignored[0]?.reason).toMatch(/outside the input prefix/);
  });

  it('ignores a record whose key is not valid URL encoding', () => {
    // Prepare
    const event = s3Event(putEvent);
    event.Records[0]!.s3.object.key = 'input/%E0%A4%A.jsonl';

    // Act
    const { objects, ignored } = selectUploadedObjects(event, inputs);

    // Assess
    expect(objects).toEqual([]);
    expect(ignored).toEqual([{ key: 'input/%E0%A4%A.jsonl', reason: 'key is not valid URL encoding' }]);
  });

  it('returns nothing for a notification with no records', () => {
    // Act
    const { objects, ignored } = selectUploadedObjects({ Records: [] }, inputs);

    // Assess
    expect(objects).toEqual([]);
    expect(ignored).toEqual([]);
  });
});
