import { DEFAULT_MAX_ERROR_RATE, judgeOutput, MAX_ERROR_SAMPLE_LENGTH, MAX_ERROR_SAMPLES, OutputTally, type OutputSummary } from '../../src/domain/output-verification';

const OUTPUT = 's3://bucket/output/run-1/';
const ok = (user: string, items = ['item-1', 'item-2']) =>
  JSON.stringify({ input: { userId: user }, output: { recommendedItems: items, scores: items.map(() => 0.5) }, error: null });
const failed = (input: unknown, error: string) => JSON.stringify({ input, output: null, error });

function tally(...files: string[][]): OutputSummary {
  const counter = new OutputTally();
  for (const lines of files) {
    counter.addFile();
    for (const line of lines) counter.addLine(line);
  }
  return counter.result();
}

describe('OutputTally', () => {
  it('counts records, error records and records with no recommendations across files', () => {
    const summary = tally([ok('u1'), ok('u2', []), failed({ userID: 'u3' }, 'User error: Required fields for the provided recipe are userId'), ''], [ok('u4')]);

    expect(summary).toEqual({
      outputFiles: 2,
      records: 4,
      errorRecords: 1,
      emptyRecords: 1,
      firstErrors: ['User error: Required fields for the provided recipe are userId'],
    });
  });

  it('counts segment output (recommendedUsers) like inference output', () => {
    const line = JSON.stringify({ input: { itemId: 'i1' }, output: { recommendedUsers: ['u1'], scores: [0.1] }, error: null });
    const empty = JSON.stringify({ input: { itemId: 'i2' }, output: { recommendedUsers: [] }, error: null });

    expect(tally([line, empty])).toMatchObject({ records: 2, errorRecords: 0, emptyRecords: 1 });
  });

  it.each([
    ['not JSON', '{"input":', 'Output line is not JSON'],
    ['a JSON array', '[1,2]', 'Output line is not a JSON object'],
    ['an object with neither error nor recommendations', '{"input":{},"output":{},"error":null}', 'Output line has neither an error nor recommendations'],
    ['a non-string error', '{"input":{},"output":null,"error":{"code":7}}', '{"code":7}'],
  ])('counts a line that is %s as an error record', (_, line, message) => {
    expect(tally([line])).toMatchObject({ records: 1, errorRecords: 1, firstErrors: [message] });
  });

  it(`keeps at most ${MAX_ERROR_SAMPLES} distinct error messages, first seen first, each at most ${MAX_ERROR_SAMPLE_LENGTH} characters`, () => {
    const long = 'x'.repeat(MAX_ERROR_SAMPLE_LENGTH + 50);
    const summary = tally([failed({}, 'a'), failed({}, 'a'), failed({}, long), failed({}, 'b'), failed({}, 'c')]);

    expect(summary.errorRecords).toBe(5);
    expect(summary.firstErrors).toEqual(['a', `${'x'.repeat(MAX_ERROR_SAMPLE_LENGTH - 1)}…`, 'b']);
  });
});

describe('judgeOutput', () => {
  it('fails a run whose every record failed, naming the first error, whatever the threshold', () => {
    const summary = tally([
      failed({ userID: 'u1' }, 'User error: Required fields for the provided recipe are userId'),
      failed({ user_id: 'u2' }, 'User error: Required fields for the provided recipe are userId'),
      failed({ userId: 3 }, 'User error: userId must be a string'),
    ]);

    expect(judgeOutput(summary, 1, OUTPUT)).toEqual({
      ok: false,
      reason: '3 of 3 records failed: User error: Required fields for the provided recipe are userId',
    });
  });

  it('fails a run whose error share is above maxErrorRate and says so', () => {
    const summary = tally([ok('u1'), failed({}, 'bad'), failed({}, 'bad'), ok('u4')]);

    expect(judgeOutput(summary, 0.25, OUTPUT)).toEqual({ ok: false, reason: '2 of 4 records failed (more than maxErrorRate 0.25): bad' });
  });

  it('passes a run at or under maxErrorRate', () => {
    const summary = tally([ok('u1'), failed({}, 'bad'), ok('u3'), ok('u4')]);

    expect(judgeOutput(summary, 0.25, OUTPUT)).toEqual({ ok: true });
    expect(judgeOutput(summary, 0.2, OUTPUT)).toMatchObject({ ok: false });
  });

  it('tolerates no error record with maxErrorRate 0', () => {
    expect(judgeOutput(tally([ok('u1'), ok('u2')]), 0, OUTPUT)).toEqual({ ok: true });
    expect(judgeOutput(tally([ok('u1'), failed({}, 'bad')]), 0, OUTPUT)).toMatchObject({ ok: false });
  });

  it('fails a run with no output file or no record', () => {
    expect(judgeOutput(tally(), 1, OUTPUT)).toEqual({ ok: false, reason: `Personalize wrote no output file (.out) under ${OUTPUT}` });
    expect(judgeOutput(tally(['', '']), 1, OUTPUT)).toEqual({ ok: false, reason: `The output under ${OUTPUT} holds no records` });
  });

  it('fails a run where no record got a recommendation: every list empty (a filter that removes everything)', () => {
    expect(judgeOutput(tally([ok('u1', []), ok('u2', [])]), 1, OUTPUT)).toEqual({
      ok: false,
      reason: 'No record got a recommendation: 2 of 2 records have an empty list; check the filter and numResults',
    });
  });

  it('fails a run whose records all failed or came back empty, under the error threshold', () => {
    expect(judgeOutput(tally([ok('u1', []), ok('u2', []), failed({}, 'bad')]), 0.5, OUTPUT)).toEqual({
      ok: false,
      reason: 'No record got a recommendation: 2 of 3 records have an empty list, 1 failed (bad); check the filter and numResults',
    });
  });

  it('passes a run where only some lists are empty: a filter may leave a user with nothing', () => {
    expect(judgeOutput(tally([ok('u1'), ok('u2', [])]), 0, OUTPUT)).toEqual({ ok: true });
  });

  it('defaults maxErrorRate to 0.1: one bad record of ten passes, two do not', () => {
    const records = (bad: number) => Array.from({ length: 10 }, (_, index) => (index < bad ? failed({}, 'bad') : ok(`u${index}`)));
    expect(DEFAULT_MAX_ERROR_RATE).toBe(0.1);
    expect(judgeOutput(tally(records(1)), DEFAULT_MAX_ERROR_RATE, OUTPUT)).toEqual({ ok: true });
    expect(judgeOutput(tally(records(2)), DEFAULT_MAX_ERROR_RATE, OUTPUT)).toMatchObject({ ok: false });
  });
});
