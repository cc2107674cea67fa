import { AwsServiceError } from '../aws-json-server';
import type { ListSolutionVersionsRequest, StandInSolutionVersion } from './types';

/*
 * ListSolutionVersions over the catalog. The service model documents no order for the list, so the
 * stand-in answers in catalog order, not newest first: a caller that relies on an order it was never
 * promised fails here, not in production.
 */

/** `…:solution/<name>` for a version ARN `…:solution/<name>/<id>`; undefined for any other shape. */
export function solutionArnOf(solutionVersionArn: string): string | undefined {
  const match = /^(arn:[^:]+:personalize:[^:]*:[^:]*:solution\/[^/]+)\/[^/]+$/.exec(solutionVersionArn);
  return match?.[1];
}

/** A version the way ListSolutionVersions summarizes it (timestamps as Dates: the server writes epoch seconds). */
export function summarizeSolutionVersion(version: StandInSolutionVersion, startedAtMs: number): Record<string, unknown> {
  const created = version.creationDateTime === undefined ? new Date(startedAtMs) : new Date(version.creationDateTime);
  return {
    solutionVersionArn: version.arn,
    status: version.status ?? 'ACTIVE',
    trainingMode: 'FULL',
    trainingType: 'AUTOMATIC',
    creationDateTime: created,
    lastUpdatedDateTime: created,
    ...(version.failureReason !== undefined ? { failureReason: version.failureReason } : {}),
  };
}

const TOKEN_PREFIX = 'pbo-sv1.';

/** Opaque to callers: the offset of the next page and the solution the first page asked for. */
function encodeToken(offset: number, solutionArn: string | undefined): string {
  return TOKEN_PREFIX + Buffer.from(JSON.stringify({ offset, solutionArn: solutionArn ?? null }), 'utf8').toString('base64url');
}

function decodeToken(token: string, solutionArn: string | undefined): number | undefined {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8')) as Record<string, unknown>;
    // AWS refuses a token replayed with different parameters.
    if (decoded.solutionArn !== (solutionArn ?? null)) return undefined;
    return typeof decoded.offset === 'number' && Number.isSafeInteger(decoded.offset) && decoded.offset > 0 ? decoded.offset : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One page of ListSolutionVersions. Without `solutionArn`, every version of the account.
 *
 * @throws AwsServiceError `ResourceNotFoundException` for a solution the catalog has no version of,
 *   `InvalidNextTokenException` for a token this stand-in did not issue for the same request.
 */
export function listSolutionVersions(
  versions: readonly StandInSolutionVersion[],
  request: ListSolutionVersionsRequest,
  startedAtMs: number,
): { solutionVersions: Array<Record<string, unknown>>; nextToken?: string } {
  const matching = request.solutionArn === undefined ? [...versions] : versions.filter((version) => solutionArnOf(version.arn) === request.solutionArn);
  if (request.solutionArn !== undefined && matching.length === 0) {
    throw new AwsServiceError('ResourceNotFoundException', `Could not find solution: ${request.solutionArn}`);
  }
  let offset = 0;
  if (request.nextToken !== undefined) {
    const decoded = decodeToken(request.nextToken, request.solutionArn);
    if (decoded === undefined || decoded >= matching.length) throw new AwsServiceError('InvalidNextTokenException', 'The nextToken is not valid for this request.');
    offset = decoded;
  }
  const page = matching.slice(offset, offset + request.maxResults);
  const next = offset + page.length;
  return {
    solutionVersions: page.map((version) => summarizeSolutionVersion(version, startedAtMs)),
    ...(next < matching.length ? { nextToken: encodeToken(next, request.solutionArn) } : {}),
  };
}

/** A solution and its versions, as `local up`'s JSON line lists them for other tools. */
export interface SolutionDescription {
  solutionArn: string;
  recipe: string;
  solutionVersions: Array<{ solutionVersionArn: string; status: string; creationDateTime?: string }>;
}

/**
 * The catalog grouped by solution, in catalog order. A version whose ARN names no solution
 * (`…:solution/<name>` without an id) is listed as a solution of its own.
 */
export function describeSolutions(versions: readonly StandInSolutionVersion[]): SolutionDescription[] {
  const solutions = new Map<string, SolutionDescription>();
  for (const version of versions) {
    const solutionArn = solutionArnOf(version.arn) ?? version.arn;
    const solution = solutions.get(solutionArn) ?? { solutionArn, recipe: version.recipe, solutionVersions: [] };
    solution.solutionVersions.push({
      solutionVersionArn: version.arn,
      status: version.status ?? 'ACTIVE',
      ...(version.creationDateTime !== undefined && { creationDateTime: version.creationDateTime }),
    });
    solutions.set(solutionArn, solution);
  }
  return [...solutions.values()];
}
