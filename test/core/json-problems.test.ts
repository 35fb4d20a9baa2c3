import { describe, expect, it } from 'vitest';
import { jsonSyntaxProblem } from '../../actions/lib/core/json.js';

function problemOf(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return jsonSyntaxProblem(err, text);
  }
  throw new Error(`parsed: ${text}`);
}

describe('jsonSyntaxProblem', () => {
  // A file cut short can end inside any token; each must read as truncated, not as a parser riddle.
  it.each([
    ['{"a": 0.', 'inside a number'],
    ['{"a": 12', 'after a number'],
    ['[1, 2', 'after an array element'],
    ['{"a": "x', 'inside a string'],
    ['{"a": tr', 'inside a literal'],
    ['{"a" ', 'after a key'],
  ])('%s (cut %s) is truncated', (text) => {
    expect(problemOf(text)).toBe(`it ends too early, after ${text.length} characters (truncated)`);
  });

  it('one character is one character', () => {
    expect(problemOf('{')).toBe('it ends too early, after 1 character (truncated)');
  });

  it('an empty file and text after the value are told apart from truncation', () => {
    expect(problemOf('  \n')).toBe('the file is empty');
    expect(problemOf('{"a": 1}x')).toMatch(/^not valid JSON: .*position 8/);
  });
});
