import { DeployedStackError } from './deployed-stack';
import { CliError, EXIT_CODES } from './errors';
import { LocalEnvironmentRunningError, NoLocalEnvironmentError } from './local-state';

/** Names AWS gives a caller it does not know or does not let in. */
const ACCESS_ERRORS = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
]);

/**
 * Turns anything a command threw into the one line the user reads and the documented exit code.
 * Plain errors from the CLI's own checks (a bad schedule name, a bad config file) are mistakes on
 * the command line (2); what keeps the CLI from reaching its target is 3; an AWS refusal the CLI
 * does not expect is 1 with AWS's own words.
 */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof NoLocalEnvironmentError || error instanceof LocalEnvironmentRunningError || error instanceof DeployedStackError) return { message: error.message, exitCode: EXIT_CODES.unreachable };
  if (!(error instanceof Error)) return { message: String(error), exitCode: EXIT_CODES.usage };
  const code = (error as NodeJS.ErrnoException).code;
  if (error.name === 'CredentialsProviderError' || /Could not load credentials/i.test(error.message)) {
    return { message: 'no AWS credentials found: sign in (aws sso login, aws configure) or set AWS_PROFILE', exitCode: EXIT_CODES.unreachable };
  }
  if (/Region is missing/i.test(error.message)) return { message: 'no AWS region: pass --region, or set AWS_REGION or a region in your AWS profile', exitCode: EXIT_CODES.unreachable };
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') {
    const address = addressOf(error);
    // Local stand-ins listen on loopback; anything else is AWS, where `local up` has no part.
    const local = address !== undefined && /(^|\/\/)(127\.|localhost|\[::1\])/.test(address);
    const hint = local ? 'is `personalize-batch local up` still running?' : 'is the network up, and the region right?';
    return { message: `cannot reach ${address ?? 'the service'} (${code}): ${hint}`, exitCode: EXIT_CODES.unreachable };
  }
  if (ACCESS_ERRORS.has(error.name)) return { message: `AWS refused access: ${error.name}: ${error.message}`, exitCode: EXIT_CODES.unreachable };
  if (error.name === 'ResourceNotFoundException') return { message: `${error.message} (is the stage deployed in this region?)`, exitCode: EXIT_CODES.unreachable };
  if (error.name === 'ExecutionDoesNotExist') return { message: error.message, exitCode: EXIT_CODES.noSuchRun };
  if ('$metadata' in error) return { message: `AWS refused the request: ${error.name}: ${error.message}`, exitCode: EXIT_CODES.runNotSuccessful };
  return { message: error.message, exitCode: EXIT_CODES.usage };
}

function addressOf(error: Error): string | undefined {
  const { address, port } = error as { address?: string; port?: number };
  return address ? `${address}${port ? `:${port}` : ''}` : undefined;
}
