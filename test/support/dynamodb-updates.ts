import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';

/**
 * The attributes a `SET #f0 = :v0, #f1 = :v1` update writes, as one object with the key, so a test
 * can state the stored item instead of the expression's placeholder numbering. Only plain
 * `#name = :value` assignments are understood; anything else fails the test.
 */
export function itemSetBy(input: UpdateCommandInput): Record<string, unknown> {
  const expression = input.UpdateExpression ?? '';
  const match = /^SET (.+)$/.exec(expression);
  if (!match?.[1]) throw new Error(`Not a plain SET expression: ${expression}`);
  const item: Record<string, unknown> = { ...input.Key };
  for (const assignment of match[1].split(', ')) {
    const parts = /^(#\w+) = (:\w+)$/.exec(assignment);
    if (!parts?.[1] || !parts[2]) throw new Error(`Not a plain assignment: ${assignment}`);
    const name = input.ExpressionAttributeNames?.[parts[1]];
    if (name === undefined) throw new Error(`No attribute name for ${parts[1]}`);
    item[name] = input.ExpressionAttributeValues?.[parts[2]];
  }
  return item;
}
