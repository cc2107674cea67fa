/** Whether a DynamoDB call failed its ConditionExpression (a write the table's state did not allow). */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
