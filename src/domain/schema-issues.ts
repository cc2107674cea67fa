import type * as z from 'zod/mini';
import { InvalidRunInputError, type InputIssue } from './errors';

/**
 * Parses a JSON object with `schema`, turning every problem into one readable issue per field.
 *
 * @param what - what the object is, for the message when it is not an object at all (`execution input`)
 * @param fieldPrefix - prefixed to each issue's field (`s3://…/config/users.json: `), or `''`
 * @throws InvalidRunInputError with one issue per problem, when `raw` is not an object or fails `schema`
 */
export function parseJsonObject<T>(schema: z.ZodMiniType<T>, raw: unknown, what: string, fieldPrefix: string): T {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidRunInputError([
      fieldPrefix ? { field: fieldPrefix.replace(/: $/, ''), message: 'must hold a JSON object' } : { field: '', message: `${what} must be a JSON object` },
    ]);
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new InvalidRunInputError(describeSchemaIssues(result.error, raw).map((issue) => ({ ...issue, field: `${fieldPrefix}${issue.field}` })));
  }
  return result.data;
}

/**
 * One readable issue per problem. zod/mini carries no English messages of its own, so every check
 * in the schemas names its message, and the generic cases (missing, wrong type, unknown member)
 * are worded here.
 */
export function describeSchemaIssues(error: z.core.$ZodError, raw: unknown): InputIssue[] {
  return error.issues.flatMap((issue): InputIssue[] => {
    const field = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: field ? `${field}.${key}` : key, message: 'is not a known field' }));
    }
    // zod leaves the offending value out of its issues, so look in the raw input to tell a
    // missing member from one of the wrong type.
    if (issue.code === 'invalid_type' && valueAtPath(raw, issue.path) === undefined) {
      return [{ field, message: 'is required' }];
    }
    if (issue.code === 'invalid_type') {
      return [{ field, message: `must be ${article(issue.expected)} ${issue.expected}, got ${describeValue(valueAtPath(raw, issue.path))}` }];
    }
    return [{ field, message: issue.message }];
  });
}

function valueAtPath(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = root;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? 'an' : 'a';
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
