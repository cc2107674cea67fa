/**
 * Step Functions' rules for execution names, as pure functions.
 *
 * Deliberately independent of `src/domain/naming.ts`: the stand-in is the oracle the domain's
 * name builder is tested against, so it must not share that code.
 *
 * State machine names follow the same rules, so the stand-in checks its configuration with these too.
 */

export const MIN_EXECUTION_NAME_LENGTH = 1;
export const MAX_EXECUTION_NAME_LENGTH = 80;

/** Brackets, wildcards and special characters a name must not contain. */
export const FORBIDDEN_NAME_CHARACTERS: readonly string[] = [
  '<', '>', '{', '}', '[', ']',
  '?', '*',
  '"', '#', '%', '\\', '^', '|', '~', '`', '$', '&', ',', ';', ':', '/',
];

const forbidden = new Set(FORBIDDEN_NAME_CHARACTERS);
const whitespace = /\s/u;
const cloudWatchSafe = /^[0-9A-Za-z_-]+$/;

/**
 * Why a name is refused. The two kinds surface as different errors: a length outside 1–80 breaks
 * a constraint of the API model, which AWS reports as `ValidationException` before looking at
 * anything else; a forbidden character is checked by the service itself and reported as `InvalidName`.
 */
export type ExecutionNameViolation =
  | { kind: 'length'; length: number; message: string }
  | { kind: 'character'; character: string; codePoint: number; message: string };

/**
 * Returns the first rule `name` breaks, or `undefined` when Step Functions accepts it.
 *
 * Length counts Unicode code points (the Smithy meaning of a string's length), so an emoji counts
 * once although it takes two UTF-16 units.
 *
 * @example
 * findExecutionNameViolation('run:1'); // { kind: 'character', character: ':', ... }
 * findExecutionNameViolation('run-1'); // undefined
 */
export function findExecutionNameViolation(name: string): ExecutionNameViolation | undefined {
  const codePoints = Array.from(name);
  if (codePoints.length < MIN_EXECUTION_NAME_LENGTH || codePoints.length > MAX_EXECUTION_NAME_LENGTH) {
    return {
      kind: 'length',
      length: codePoints.length,
      message: `Name must be ${MIN_EXECUTION_NAME_LENGTH} to ${MAX_EXECUTION_NAME_LENGTH} characters long, ` +
        `got ${codePoints.length}`,
    };
  }
  for (const character of codePoints) {
    const codePoint = character.codePointAt(0) ?? 0;
    const reason = characterProblem(character, codePoint);
    if (reason) {
      return {
        kind: 'character',
        character,
        codePoint,
        message: `Name must not contain ${reason} (U+${codePoint.toString(16).toUpperCase().padStart(4, '0')})`,
      };
    }
  }
  return undefined;
}

/** `true` when Step Functions accepts `name` as an execution (or state machine) name. */
export function isValidExecutionName(name: string): boolean {
  return findExecutionNameViolation(name) === undefined;
}

/**
 * `true` when `name` is valid AND uses only `0-9A-Za-z-_`. AWS accepts other characters (non-ASCII
 * included) but recommends this subset because CloudWatch Logs and metrics cannot show the rest.
 */
export function isCloudWatchSafeExecutionName(name: string): boolean {
  return cloudWatchSafe.test(name) && name.length <= MAX_EXECUTION_NAME_LENGTH;
}

function characterProblem(character: string, codePoint: number): string | undefined {
  // Control characters first: `\s` also matches some of them (tab, newline), and "control character"
  // is the more precise reason.
  if (codePoint <= 0x1f || (codePoint >= 0x7f && codePoint <= 0x9f)) return 'a control character';
  if (whitespace.test(character)) return 'whitespace';
  if (forbidden.has(character)) return `'${character}'`;
  // Array.from keeps a lone surrogate as its own element; paired surrogates arrive as one code point.
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return 'an unpaired surrogate';
  if (codePoint === 0xfffe || codePoint === 0xffff) return 'a noncharacter';
  return undefined;
}
