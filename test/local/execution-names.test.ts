import {
  findExecutionNameViolation,
  FORBIDDEN_NAME_CHARACTERS,
  isCloudWatchSafeExecutionName,
  isValidExecutionName,
} from '../../src/local/step-functions';

const hex = (character: string): string => `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

describe('execution names', () => {
  it.each([
    ['a single character', 'a'],
    ['letters, digits, hyphen and underscore', 'Run_2026-01-01-abc'],
    ['exactly 80 characters', 'x'.repeat(80)],
    ['punctuation AWS does not forbid', "a.b(c)!d@e=f+g'h"],
    ['non-ASCII letters', 'café-日本語'],
    ['80 astral code points (160 UTF-16 units)', '🚀'.repeat(80)],
  ])('accepts %s', (_label, name) => {
    // Act & Assess
    expect(findExecutionNameViolation(name)).toBeUndefined();
    expect(isValidExecutionName(name)).toBe(true);
  });

  it.each([
    ['an empty name', ''],
    ['81 characters', 'x'.repeat(81)],
    ['81 astral code points', '🚀'.repeat(81)],
  ])('refuses %s as a length violation', (_label, name) => {
    // Act
    const violation = findExecutionNameViolation(name);

    // Assess
    expect(violation).toMatchObject({ kind: 'length', length: Array.from(name).length });
    expect(isValidExecutionName(name)).toBe(false);
  });

  it('forbids the documented 22 brackets, wildcards and special characters', () => {
    // Assess
    expect([...FORBIDDEN_NAME_CHARACTERS].sort()).toEqual(
      ['<', '>', '{', '}', '[', ']', '?', '*', '"', '#', '%', '\\', '^', '|', '~', '`', '$', '&', ',', ';', ':', '/'].sort(),
    );
  });

  it.each(FORBIDDEN_NAME_CHARACTERS.map((character) => [character]))('refuses %s anywhere in a name', (character) => {
    // Act
    const violations = [`${character}run`, `run${character}1`, `run${character}`].map(findExecutionNameViolation);

    // Assess
    for (const violation of violations) {
      expect(violation).toMatchObject({ kind: 'character', character });
      expect(violation?.message).toContain(hex(character));
    }
  });

  it.each([
    ['space', ' '],
    ['tab', '\t'],
    ['line feed', '\n'],
    ['carriage return', '\r'],
    ['no-break space', '\u00a0'],
    ['em space', '\u2003'],
    ['line separator', '\u2028'],
    ['ideographic space', '\u3000'],
    ['NUL', '\u0000'],
    ['unit separator', '\u001f'],
    ['DEL', '\u007f'],
    ['next line (C1)', '\u0085'],
    ['application program command (C1)', '\u009f'],
    ['lone high surrogate', '\ud800'],
    ['lone low surrogate', '\udfff'],
    ['noncharacter U+FFFE', '\ufffe'],
    ['noncharacter U+FFFF', '\uffff'],
  ])('refuses a %s', (_label, character) => {
    // Act
    const violation = findExecutionNameViolation(`run${character}1`);

    // Assess
    expect(violation).toMatchObject({ kind: 'character', codePoint: character.codePointAt(0) });
  });

  it('reports control characters as such even when they are also whitespace', () => {
    // Act
    const violation = findExecutionNameViolation('a\tb');

    // Assess
    expect(violation?.message).toMatch(/control character/);
  });

  it.each([
    ['letters, digits, hyphen and underscore', true, 'Run_2026-01-01-abc'],
    ['exactly 80 safe characters', true, 'x'.repeat(80)],
    ['81 safe characters (not a valid name at all)', false, 'x'.repeat(81)],
    ['an empty name', false, ''],
    ['a dot (valid, but not shown by CloudWatch)', false, 'a.b'],
    ['non-ASCII letters', false, 'café'],
    ['a forbidden character', false, 'a:b'],
  ])('isCloudWatchSafeExecutionName: %s → %s', (_label, expected, name) => {
    // Act & Assess
    expect(isCloudWatchSafeExecutionName(name)).toBe(expected);
  });
});
