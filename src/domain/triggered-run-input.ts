// zod/mini: the same validation core at ~15 KB instead of ~450 KB in every bundle that imports it.
import * as z from 'zod/mini';
import type { UploadedObject } from './s3-event';
import type { ScheduleInvocation } from './schedule-event';
import { s3UriOf } from './s3-uri';

/** Where an uploaded input file's run came from: the object as S3 reported it. */
const UploadSourceSchema = z.strictObject({
  type: z.literal('s3'),
  bucket: z.string(),
  key: z.string(),
  /** Bytes, as the notification reported them. */
  size: z.number(),
  eTag: z.optional(z.string()),
  versionId: z.optional(z.string()),
  sequencer: z.optional(z.string()),
  /** ISO 8601, when S3 sent the notification. */
  eventTime: z.optional(z.string()),
});

/** Where a scheduled run came from: the schedule and the tick (`scheduledTime`, ISO 8601). */
const ScheduleSourceSchema = z.strictObject({
  type: z.literal('schedule'),
  name: z.string(),
  scheduledTime: z.string(),
});

/**
 * The execution input the trigger starts a run with: a subset of `RunInputSchema` (the members
 * `inputPath`, `jobGroup` and `source`) that the start step parses like any other run input.
 *
 * Only the shape is checked here. Whether `inputPath` is a URI Personalize accepts, or `jobGroup`
 * a valid group name, is left to the start step, on purpose: a schedule that names a bad path must
 * still become a run that fails with the field named, just as a bad console start does, rather than
 * vanish at the trigger.
 */
export const TriggeredRunInputSchema = z.strictObject({
  inputPath: z.string(),
  jobGroup: z.optional(z.string()),
  source: z.discriminatedUnion('type', [UploadSourceSchema, ScheduleSourceSchema]),
});

/** What the trigger sends StartExecution as `input` (serialized as JSON). */
export type TriggeredRunInput = z.infer<typeof TriggeredRunInputSchema>;

/**
 * The run input for one uploaded input file: the object's URI and the identity S3 reported for it
 * (size, ETag, version, sequencer, event time) as the run's source.
 *
 * @throws ZodError if the object does not have the shape S3 reports, which the types rule out
 */
export function runInputForUpload(object: UploadedObject): TriggeredRunInput {
  return checked({
    inputPath: s3UriOf(object.bucket, object.key),
    source: {
      type: 's3',
      bucket: object.bucket,
      key: object.key,
      size: object.size,
      ...(object.eTag && { eTag: object.eTag }),
      ...(object.versionId && { versionId: object.versionId }),
      ...(object.sequencer && { sequencer: object.sequencer }),
      ...(object.eventTime && { eventTime: object.eventTime }),
    },
  });
}

/**
 * The run input for one schedule tick. A schedule names its input either as a full `inputPath` or
 * as an `inputKey` in the data bucket; `jobGroup` is passed on only when the schedule names one.
 *
 * @param schedule - the tick's payload, already checked by `ScheduleInvocationSchema`
 * @param dataBucket - the bucket an `inputKey` is in
 * @throws ZodError if the payload does not have the checked shape, which the types rule out
 */
export function runInputForSchedule(schedule: ScheduleInvocation['schedule'], dataBucket: string): TriggeredRunInput {
  const { name, scheduledTime, jobGroup, inputPath, inputKey } = schedule;
  return checked({
    inputPath: inputPath ?? s3UriOf(dataBucket, inputKey ?? ''),
    ...(jobGroup && { jobGroup }),
    source: { type: 'schedule', name, scheduledTime },
  });
}

/**
 * Returns the input itself once it passes the schema, not zod's copy: StartExecution compares a
 * repeated start's input byte for byte, so member order must stay as built.
 */
function checked(input: TriggeredRunInput): TriggeredRunInput {
  TriggeredRunInputSchema.parse(input);
  return input;
}
