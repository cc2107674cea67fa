import { AwsServiceError } from '../aws-json-server';
import { RANKING_INFLUENCE_TYPES, type BatchInferenceJobConfig, type RankingInfluenceType, type S3DataConfig, type Tag, type ThemeGenerationConfig } from './types';

/*
 * The Personalize stand-in's request checking: every violated constraint of a request is gathered
 * and reported in one InvalidInputException, worded as AWS's server-side validation words it.
 */

/* Patterns from the Personalize service model, matched whole (see matchesWhole). */
export const JOB_NAME_PATTERN = '^[a-zA-Z0-9][a-zA-Z0-9\\-_]*';
export const PERSONALIZE_ARN_PATTERN = 'arn:([a-z\\d-]+):personalize:.*:.*:.+';
export const ROLE_ARN_PATTERN = 'arn:([a-z\\d-]+):iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+';
export const S3_PATH_PATTERN = '(s3|http|https)://.+';
export const KMS_KEY_ARN_PATTERN = 'arn:aws.*:kms:.*:[0-9]{12}:key/.*';
const MAX_INT32 = 2_147_483_647;

/** One failed constraint, in the shape of AWS's "Value X at 'path' failed to satisfy constraint: ..." lines. */
export interface Violation {
  path: string;
  value: unknown;
  constraint: string;
}

/**
 * Formats violations the way AWS's request validation does, e.g.
 * `1 validation error detected: Value 'x y' at 'jobName' failed to satisfy constraint: Member must satisfy
 * regular expression pattern: ^[a-zA-Z0-9][a-zA-Z0-9\-_]*`.
 */
export function formatValidationMessage(violations: readonly Violation[]): string {
  const count = violations.length;
  const header = `${count} validation error${count === 1 ? '' : 's'} detected: `;
  return (
    header +
    violations
      .map((violation) => `Value ${renderValue(violation.value)} at '${violation.path}' failed to satisfy constraint: ${violation.constraint}`)
      .join('; ')
  );
}

function renderValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // A huge value would bury the one line that says what is wrong with it.
  return `'${text.length > 300 ? `${text.slice(0, 300)}...` : text}'`;
}

interface StringRules {
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: string;
}

/** Gathers every violation before failing, because AWS reports them all in one message. */
export class Collector {
  private readonly violations: Violation[] = [];

  add(path: string, value: unknown, constraint: string): void {
    this.violations.push({ path, value, constraint });
  }

  throwIfAny(): void {
    if (this.violations.length > 0) {
      throw new AwsServiceError('InvalidInputException', formatValidationMessage(this.violations));
    }
  }

  /** Returns the value only when it is usable; callers never read results after a failed `throwIfAny`. */
  string(path: string, value: unknown, rules: StringRules): string | undefined {
    if (value === undefined || value === null) {
      if (rules.required) this.add(path, null, 'Member must not be null');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.add(path, value, 'Member must be a string');
      return undefined;
    }
    const before = this.violations.length;
    if (rules.min !== undefined && value.length < rules.min) {
      this.add(path, value, `Member must have length greater than or equal to ${rules.min}`);
    }
    if (rules.max !== undefined && value.length > rules.max) {
      this.add(path, value, `Member must have length less than or equal to ${rules.max}`);
    }
    if (rules.pattern !== undefined && !matchesWhole(rules.pattern, value)) {
      this.add(path, value, `Member must satisfy regular expression pattern: ${rules.pattern}`);
    }
    return this.violations.length === before ? value : undefined;
  }

  personalizeArn(path: string, value: unknown, required: boolean): string | undefined {
    return this.string(path, value, { required, max: 256, pattern: PERSONALIZE_ARN_PATTERN });
  }

  integer(path: string, value: unknown, bounds: { min?: number; max?: number }): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > MAX_INT32) {
      this.add(path, value, 'Member must be an integer');
      return undefined;
    }
    if (bounds.min !== undefined && value < bounds.min) {
      this.add(path, value, `Member must have value greater than or equal to ${bounds.min}`);
      return undefined;
    }
    if (bounds.max !== undefined && value > bounds.max) {
      this.add(path, value, `Member must have value less than or equal to ${bounds.max}`);
      return undefined;
    }
    return value;
  }

  enumValue<T extends string>(path: string, value: unknown, allowed: readonly T[]): T | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.add(path, value, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
      return undefined;
    }
    return value as T;
  }

  object(path: string, value: unknown, required: boolean): Record<string, unknown> | undefined {
    if (value === undefined || value === null) {
      if (required) this.add(path, null, 'Member must not be null');
      return undefined;
    }
    if (!isPlainObject(value)) {
      this.add(path, value, 'Member must be a structure');
      return undefined;
    }
    return value;
  }

  /** `jobInput: { s3DataSource }` and `jobOutput: { s3DataDestination }`: a required structure holding one required member. */
  wrapper<T>(path: string, value: unknown, member: string, read: (path: string, value: unknown) => T | undefined): T | undefined {
    const outer = this.object(path, value, true);
    return outer ? read(`${path}.${member}`, outer[member]) : undefined;
  }

  s3DataConfig(path: string, value: unknown): S3DataConfig | undefined {
    const config = this.object(path, value, true);
    if (!config) return undefined;
    const s3Path = this.string(`${path}.path`, config.path, { required: true, max: 256, pattern: S3_PATH_PATTERN });
    const kmsKeyArn = this.string(`${path}.kmsKeyArn`, config.kmsKeyArn, { max: 2048, pattern: KMS_KEY_ARN_PATTERN });
    return s3Path === undefined ? undefined : withoutUndefined({ path: s3Path, kmsKeyArn });
  }

  jobConfig(path: string, value: unknown): BatchInferenceJobConfig | undefined {
    const config = this.object(path, value, false);
    if (!config) return undefined;
    return withoutUndefined({
      itemExplorationConfig: this.stringMap(`${path}.itemExplorationConfig`, config.itemExplorationConfig),
      rankingInfluence: this.rankingInfluence(`${path}.rankingInfluence`, config.rankingInfluence),
    });
  }

  /** HyperParameters: at most 100 entries, keys up to 256 characters, values up to 1000. */
  stringMap(path: string, value: unknown): Record<string, string> | undefined {
    const map = this.object(path, value, false);
    if (!map) return undefined;
    const entries = Object.entries(map);
    if (entries.length > 100) this.add(path, map, 'Member must have length less than or equal to 100');
    const result: Record<string, string> = {};
    for (const [key, entry] of entries) {
      if (key.length > 256) this.add(path, map, 'Map keys must satisfy constraint: [Member must have length less than or equal to 256]');
      if (typeof entry !== 'string') this.add(`${path}.${key}`, entry, 'Member must be a string');
      else if (entry.length > 1000) {
        this.add(path, map, 'Map value must satisfy constraint: [Member must have length less than or equal to 1000]');
      } else result[key] = entry;
    }
    return result;
  }

  /** Newer model member: keys POPULARITY | FRESHNESS, values 0.0 to 1.0 (Personalize API reference). */
  rankingInfluence(path: string, value: unknown): Partial<Record<RankingInfluenceType, number>> | undefined {
    const map = this.object(path, value, false);
    if (!map) return undefined;
    const result: Partial<Record<RankingInfluenceType, number>> = {};
    for (const [key, weight] of Object.entries(map)) {
      if (!(RANKING_INFLUENCE_TYPES as readonly string[]).includes(key)) {
        this.add(path, map, `Map keys must satisfy constraint: [Member must satisfy enum value set: [${RANKING_INFLUENCE_TYPES.join(', ')}]]`);
      } else if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 1) {
        this.add(`${path}.${key}`, weight, 'Member must be a number between 0.0 and 1.0');
      } else result[key as RankingInfluenceType] = weight;
    }
    return result;
  }

  themeGenerationConfig(path: string, value: unknown): ThemeGenerationConfig | undefined {
    const config = this.object(path, value, false);
    if (!config) return undefined;
    const fields = this.object(`${path}.fieldsForThemeGeneration`, config.fieldsForThemeGeneration, true);
    if (!fields) return undefined;
    const itemName = this.string(`${path}.fieldsForThemeGeneration.itemName`, fields.itemName, { required: true, max: 150 });
    return itemName === undefined ? undefined : { fieldsForThemeGeneration: { itemName } };
  }

  /** Tag keys 1–128 characters, values 0–256. The count limit is checked separately: it has its own exception. */
  tags(path: string, value: unknown): Tag[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) {
      this.add(path, value, 'Member must be a list');
      return undefined;
    }
    const tags: Tag[] = [];
    value.forEach((entry: unknown, index) => {
      // AWS numbers list members from 1 in validation paths: 'tags.1.member.tagKey'.
      const memberPath = `${path}.${index + 1}.member`;
      const tag = this.object(memberPath, entry, true);
      if (!tag) return;
      const tagKey = this.string(`${memberPath}.tagKey`, tag.tagKey, { required: true, min: 1, max: 128 });
      const tagValue = this.string(`${memberPath}.tagValue`, tag.tagValue, { required: true, min: 0, max: 256 });
      if (tagKey !== undefined && tagValue !== undefined) tags.push({ tagKey, tagValue });
    });
    return tags;
  }
}

const compiledPatterns = new Map<string, RegExp>();

/** Whether `value` matches the service model's `pattern` as a whole, as AWS's validation does. */
export function matchesWhole(pattern: string, value: string): boolean {
  let regex = compiledPatterns.get(pattern);
  if (!regex) {
    regex = new RegExp(`^(?:${pattern})$`, 'u');
    compiledPatterns.set(pattern, regex);
  }
  return regex.test(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Optional members left out rather than present as `undefined`, so echoes in Describe stay exact. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

