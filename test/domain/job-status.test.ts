import { jobPhase } from '../../src/domain/job-status';

describe('job status', () => {
  it('reads ACTIVE as a succeeded job', () => {
    // Act & Assess
    expect(jobPhase('ACTIVE')).toBe('SUCCEEDED');
  });

  it('reads CREATE FAILED as a failed job', () => {
    // Act & Assess
    expect(jobPhase('CREATE FAILED')).toBe('FAILED');
  });

  it.each([
    ['PENDING (developer guide)', 'PENDING'],
    ['IN PROGRESS (developer guide)', 'IN PROGRESS'],
    ['CREATE PENDING (AWS samples)', 'CREATE PENDING'],
    ['CREATE IN_PROGRESS (AWS samples)', 'CREATE IN_PROGRESS'],
    ['CREATE_PENDING', 'CREATE_PENDING'],
    ['an empty string', ''],
    ['undefined', undefined],
    ['lowercase active', 'active'],
    ['ACTIVE with a trailing space', 'ACTIVE '],
    ['lowercase create failed', 'create failed'],
    ['CREATE_FAILED with an underscore', 'CREATE_FAILED'],
    ['FAILED alone', 'FAILED'],
    ['DELETE PENDING', 'DELETE PENDING'],
    ['a random string', 'qz7-unknown-status'],
  ])('keeps polling on %s', (_label, status) => {
    // Act & Assess
    expect(jobPhase(status)).toBe('RUNNING');
  });
});
