/**
 * How Lambda's `FunctionName` is written: `name`, `name:qualifier`, `account:function:name[:qualifier]`
 * or `arn:<partition>:lambda:<region>:<account>:function:name[:qualifier]`.
 */
export interface FunctionReference {
  name: string;
  qualifier?: string;
  region?: string;
  accountId?: string;
}

const FUNCTION_ARN = /^arn:[a-z-]+:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9-_]+)(?::([a-zA-Z0-9-_$]+))?$/;
const PARTIAL_ARN = /^(\d{12}):function:([a-zA-Z0-9-_]+)(?::([a-zA-Z0-9-_$]+))?$/;
const PLAIN_NAME = /^([a-zA-Z0-9-_]+)(?::([a-zA-Z0-9-_$]+))?$/;

/** Splits a `FunctionName` into its parts; undefined when it is none of Lambda's accepted forms. */
export function parseFunctionReference(functionName: string): FunctionReference | undefined {
  const arn = FUNCTION_ARN.exec(functionName);
  if (arn) return withoutUndefined({ region: arn[1], accountId: arn[2], name: arn[3] as string, qualifier: arn[4] });
  const partial = PARTIAL_ARN.exec(functionName);
  if (partial) return withoutUndefined({ accountId: partial[1], name: partial[2] as string, qualifier: partial[3] });
  const plain = PLAIN_NAME.exec(functionName);
  if (plain) return withoutUndefined({ name: plain[1] as string, qualifier: plain[2] });
  return undefined;
}

export interface FunctionDirectory {
  /** `<service>-<stage>-`: what Serverless puts before each function's key in its deployed name. */
  functionNamePrefix: string;
  region: string;
  accountId: string;
  keys: ReadonlySet<string>;
}

/**
 * The handler key a `FunctionName` reaches, or undefined when no local function answers to it.
 * Callers use the deployed name (`personalize-batch-orchestrator-local-trigger`), so that is the
 * canonical form; the bare key (`trigger`) is accepted too because it is what a person types.
 * Only `$LATEST` exists: nothing is ever published here, so any other qualifier names nothing.
 */
export function resolveFunctionKey(functionName: string, qualifier: string | undefined, directory: FunctionDirectory): string | undefined {
  const reference = parseFunctionReference(functionName);
  if (!reference) return undefined;
  if (reference.region !== undefined && reference.region !== directory.region) return undefined;
  if (reference.accountId !== undefined && reference.accountId !== directory.accountId) return undefined;
  for (const requested of [reference.qualifier, qualifier]) {
    if (requested !== undefined && requested !== '$LATEST') return undefined;
  }
  const key = reference.name.startsWith(directory.functionNamePrefix)
    ? reference.name.slice(directory.functionNamePrefix.length)
    : reference.name;
  return directory.keys.has(key) ? key : undefined;
}

/** The ARN Lambda reports for a function, as in its "Function not found" messages. */
export function functionArnFor(directory: Pick<FunctionDirectory, 'region' | 'accountId'>, functionName: string): string {
  const reference = parseFunctionReference(functionName);
  const name = reference?.name ?? functionName;
  const region = reference?.region ?? directory.region;
  const accountId = reference?.accountId ?? directory.accountId;
  const qualifier = reference?.qualifier === undefined ? '' : `:${reference.qualifier}`;
  return `arn:aws:lambda:${region}:${accountId}:function:${name}${qualifier}`;
}

function withoutUndefined(reference: { name: string; qualifier?: string | undefined; region?: string | undefined; accountId?: string | undefined }): FunctionReference {
  return Object.fromEntries(Object.entries(reference).filter(([, value]) => value !== undefined)) as unknown as FunctionReference;
}
