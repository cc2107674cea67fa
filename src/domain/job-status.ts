/**
 * Personalize reports `status` as a free string. Only `ACTIVE` and `CREATE FAILED` are documented as
 * terminal; the in-progress spellings differ between the docs (`PENDING`, `IN PROGRESS`) and AWS's
 * own samples (`CREATE PENDING`, `CREATE IN_PROGRESS`), so anything else means "keep polling".
 */
export type JobPhase = 'SUCCEEDED' | 'FAILED' | 'RUNNING';

const JOB_STATUS_ACTIVE = 'ACTIVE';
const JOB_STATUS_CREATE_FAILED = 'CREATE FAILED';

/** The phase a status string means; see above for why everything unknown is RUNNING. */
export function jobPhase(status: string | undefined): JobPhase {
  switch (status) {
    case JOB_STATUS_ACTIVE:
      return 'SUCCEEDED';
    case JOB_STATUS_CREATE_FAILED:
      return 'FAILED';
    default:
      return 'RUNNING';
  }
}
