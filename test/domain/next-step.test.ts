import { NEXT_STEP, nextAfterPoll } from '../../src/domain/next-step';

describe('nextAfterPoll', () => {
  it.each([
    [{ terminal: false, timedOut: false, status: 'CREATE IN_PROGRESS' }, NEXT_STEP.poll],
    [{ terminal: true, timedOut: false, status: 'ACTIVE' }, NEXT_STEP.verify],
    [{ terminal: true, timedOut: false, status: 'CREATE FAILED' }, NEXT_STEP.record],
    [{ terminal: false, timedOut: true, status: 'CREATE IN_PROGRESS' }, NEXT_STEP.record],
  ])('decides %j → %s', (poll, expected) => {
    // Act & Assess
    expect(nextAfterPoll(poll)).toBe(expected);
  });

  it('sends only an ACTIVE job to "Verify output": a terminal poll without a status is recorded', () => {
    expect(nextAfterPoll({ terminal: true, timedOut: false })).toBe(NEXT_STEP.record);
  });

  it('names the decisions as the state machine routes on them', () => {
    expect(NEXT_STEP).toEqual({ waitForCapacity: 'WAIT_FOR_CAPACITY', poll: 'POLL', waitForOutput: 'WAIT_FOR_OUTPUT', verify: 'VERIFY', record: 'RECORD' });
  });
});
