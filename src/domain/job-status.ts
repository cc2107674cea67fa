/**
 * Personalize reports `status` as a free string. Only `ACTIVE` and `CREATE FAILED` are documented as
 * terminal; the in-progress spellings differ between the docs (`PENDING`, `IN PROGRESS`) and AWS's
 * own samples (`CREATE PENDING`, `CREATE IN_PROGRESS`), so anything else means "keep polling".
 */
export type JobPhase = 'SUCCEEDED' | 'FAILED' | 'RUNNING';

export const JOB_STATUS_ACTIVE = 'ACTIVE';
export const JOB_STATUS_CREATE_FAILED = 'CREATE FAILED';

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

export function isTerminalJobStatus(status: string | undefined): boolean {
  return jobPhase(status) !== 'RUNNING';
}
