import { AwsServiceError } from '../aws-json-server';

interface StringConstraints {
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  maxUtf8Bytes?: number;
  sensitive?: boolean;
}

/**
 * Reads the members of a request body and checks the constraints of the API model (required,
 * length, range, enum), the way AWS's request validation does: every violation is collected and
 * reported together as one `ValidationException`, before the operation itself runs. A member of
 * the wrong JSON type never reaches validation on AWS (deserialization fails), hence the immediate
 * `SerializationException`.
 */
export class RequestMembers {
  private readonly violations: string[] = [];

  constructor(private readonly body: Record<string, unknown>) {}

  string(member: string, constraints: StringConstraints = {}): string | undefined {
    const value = this.present(member);
    if (value === undefined) {
      if (constraints.required) this.violate('Value null', member, 'Member must not be null');
      return undefined;
    }
    if (typeof value !== 'string') throw serializationError(member, 'a string');
    // Sensitive members (execution input) are not echoed back, as AWS does not echo them.
    const shown = constraints.sensitive ? 'Value' : `Value '${value}'`;
    const { minLength, maxLength, maxUtf8Bytes } = constraints;
    // Smithy lengths count code points; counting is skipped when no length applies (a 256 KiB input).
    const length = minLength === undefined && maxLength === undefined ? 0 : Array.from(value).length;
    if (minLength !== undefined && length < minLength) {
      this.violate(shown, member, `Member must have length greater than or equal to ${minLength}`);
    }
    if (maxLength !== undefined && length > maxLength) {
      this.violate(shown, member, `Member must have length less than or equal to ${maxLength}`);
    }
    if (maxUtf8Bytes !== undefined && Buffer.byteLength(value, 'utf8') > maxUtf8Bytes) {
      this.violate(shown, member, `Member must have size less than or equal to ${maxUtf8Bytes} bytes in UTF-8 encoding`);
    }
    return value;
  }

  integer(member: string, constraints: { min: number; max: number }): number | undefined {
    const value = this.present(member);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw serializationError(member, 'an integer');
    if (value < constraints.min) {
      this.violate(`Value '${value}'`, member, `Member must have value greater than or equal to ${constraints.min}`);
    }
    if (value > constraints.max) {
      this.violate(`Value '${value}'`, member, `Member must have value less than or equal to ${constraints.max}`);
    }
    return value;
  }

  boolean(member: string): boolean | undefined {
    const value = this.present(member);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw serializationError(member, 'a boolean');
    return value;
  }

  enumeration<T extends string>(member: string, allowed: readonly T[]): T | undefined {
    const value = this.string(member);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      this.violate(`Value '${value}'`, member, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
      return undefined;
    }
    return value as T;
  }

  /** Throws the collected violations, if any, as AWS reports them. */
  validate(): void {
    if (this.violations.length === 0) return;
    const count = this.violations.length;
    throw new AwsServiceError(
      'ValidationException',
      `${count} validation error${count === 1 ? '' : 's'} detected: ${this.violations.join('; ')}`,
    );
  }

  private violate(shownValue: string, member: string, constraint: string): void {
    this.violations.push(`${shownValue} at '${member}' failed to satisfy constraint: ${constraint}`);
  }

  private present(member: string): unknown {
    const value = this.body[member];
    // JSON null means "not set" in the AWS JSON protocols.
    return value === null ? undefined : value;
  }
}

function serializationError(member: string, expected: string): AwsServiceError {
  return new AwsServiceError('SerializationException', `Member '${member}' must be ${expected}`);
}
