import type { RunRecord } from '../domain/run';
import type { PublishedEvent } from '../local/eventbridge';

/**
 * The lines `personalize-batch run` prints about a finished run's output and the events it
 * published. Pure, so the wording is unit-tested without running anything.
 */

/** `10 records, 1 failed, 0 without recommendations (input: 10 records)` and the first errors; none when the output was not read. */
export function describeVerification(record: Partial<RunRecord>): string[] {
  if (record.records === undefined) return [];
  const input = record.inputRecords === undefined ? '' : ` (input: ${record.inputRecords} records)`;
  const lines = [`Verified: ${record.records} records, ${record.errorRecords ?? 0} failed, ${record.emptyRecords ?? 0} without recommendations${input}`];
  const errors = record.firstErrors ?? [];
  if (errors.length > 0) {
    lines.push('First errors:');
    for (const error of errors) lines.push(`  - ${error}`);
  }
  return lines;
}

/** One line per event the run published, as a rule's target would see its source and detail-type. */
export function describePublishedEvents(events: readonly PublishedEvent[]): string[] {
  if (events.length === 0) return ['Published no event on the default EventBridge bus'];
  return [
    `Published on the default EventBridge bus (${events.length}):`,
    ...events.map((event) => `  ${event.source} / ${event['detail-type']}: ${JSON.stringify(event.detail)}`),
  ];
}
