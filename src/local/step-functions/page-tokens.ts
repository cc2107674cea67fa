import { AwsServiceError } from '../aws-json-server';

/** PageToken in the API model: 1 to 3096 characters. */
export const MAX_TOKEN_LENGTH = 3096;

/**
 * Opaque pagination tokens. A token carries the position after the last item returned (a key that
 * stays valid when new items arrive, rather than an offset that would shift) and the scope it was
 * issued for: the operation and the arguments AWS asks callers to keep unchanged between pages.
 * A token used with other arguments is refused, which catches paging bugs a lenient double would hide.
 */
export function encodePageToken(scope: string, position: number): string {
  return Buffer.from(JSON.stringify({ scope, position }), 'utf8').toString('base64url');
}

/** Returns the position a token carries, or throws `InvalidToken`. */
export function decodePageToken(token: string, scope: string): number {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw invalidToken(token);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken(token);
  }
  if (
    typeof decoded !== 'object' ||
    decoded === null ||
    (decoded as { scope?: unknown }).scope !== scope ||
    !Number.isInteger((decoded as { position?: unknown }).position)
  ) {
    throw invalidToken(token);
  }
  return (decoded as { position: number }).position;
}

/** For a token that decodes but points nowhere valid (forged, or from another stand-in). */
export function invalidToken(token: string): AwsServiceError {
  return new AwsServiceError('InvalidToken', `Invalid Token: '${token}'`);
}

/** The API's page sizes: `maxResults` up to 1,000; 0 or absent means the default, 100. */
export const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 100;

export function pageSizeOf(maxResults: number | undefined): number {
  // 0 means "the default", as in the API.
  return maxResults === undefined || maxResults === 0 ? DEFAULT_PAGE_SIZE : maxResults;
}
