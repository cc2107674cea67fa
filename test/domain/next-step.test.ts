import { NEXT_STEP, nextAfterPoll } from '../../src/domain/next-step';

describe('nextAfterPoll', () => {
  it.each([
    [{ terminal: false, timedOut: false }, NEXT_STEP.poll],
    [{ terminal: true, timedOut: false }, NEXT_STEP.record],
    [{ terminal: false, timedOut: true }, NEXT_STEP.record],
  ])('decides %j → %s', (poll, expected) => {
    // Act & Assess
    expect(nextAfterPoll(poll)).toBe(expected);
  });

  it('names the decisions as the state machine routes on them', () => {
    expect(NEXT_STEP).toEqual({ waitForCapacity: 'WAIT_FOR_CAPACITY', poll: 'POLL', record: 'RECORD' });
  });
});
