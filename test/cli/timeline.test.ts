import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { buildTimeline } from '../../src/cli/runs/views';

const AT = new Date('2026-01-15T10:00:00.000Z');
const startJobExited = (output: unknown): HistoryEvent => ({
  id: 5,
  timestamp: AT,
  type: 'TaskStateExited',
  stateExitedEventDetails: { name: 'Start job', output: JSON.stringify(output) },
});

describe('the timeline of runs show', () => {
  it('shows a queued attempt with its attempt and priority, and no dangling separator when nothing was refused', () => {
    // Act
    const [entry] = buildTimeline(undefined, [startJobExited({ next: 'WAIT_FOR_CAPACITY', queued: { attempts: 1, priority: 9, lastRefusal: '' } })]);

    // Assess
    expect(entry).toEqual({ at: AT.toISOString(), event: 'queued', detail: 'no free job slot (attempt 1, priority 9)' });
  });

  it('says what Personalize answered when it refused a slot the queue thought free', () => {
    // Act
    const [entry] = buildTimeline(undefined, [startJobExited({ queued: { attempts: 2, priority: 5, lastRefusal: 'LimitExceededException: too many jobs' } })]);

    // Assess
    expect(entry?.detail).toBe('no free job slot (attempt 2, priority 5); Personalize refused: LimitExceededException: too many jobs');
  });
});
