import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger, withMiddleware } from '../middleware/handler-kit';
import type { RunState } from '../domain/run';
import { verifyOutput, type VerifiedRunState, type VerifyOutputDependencies } from '../use-cases/verify-output';

/** Payload the "Verify output" state sends: the run and its last poll (an `ACTIVE` job). */
export type VerifyOutputEvent = RunState;

export function createVerifyOutputHandler(deps: VerifyOutputDependencies, logger: Logger = createLogger()) {
  return withMiddleware<VerifyOutputEvent, VerifiedRunState>(logger, async (event) => {
    const state = await verifyOutput(event, deps);
    const { verification } = state;
    if (verification.verified) {
      const { location, outputFiles, records, errorRecords, emptyRecords, inputRecords } = verification;
      logger.info('Output verified', { runId: state.run.runId, location, outputFiles, records, errorRecords, emptyRecords, inputRecords });
    } else {
      logger.warn('Output could not be verified', { runId: state.run.runId, location: verification.location, error: verification.error, reason: verification.reason });
    }
    return state;
  });
}
