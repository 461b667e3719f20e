import { printableExcerpt } from './excerpt.js';
import { MAX_PATTERN_DEPTH } from './limits.js';

/** One `path operator 'value'` comparison of a pattern (an `IN (...)` list yields one per value). */
export interface StixComparison {
  /** Object path as written, e.g. `file:hashes.'SHA-256'`. */
  path: string;
  /** `=`, `ISSUBSET`, or an operator the caller will reject (`!=`, `LIKE`, `NOT =`...). */
  operator: string;
  value: string;
}

/** The comparisons of a pattern, or why it cannot be used. */
export type StixPatternResult = { ok: true; comparisons: StixComparison[] } | { ok: false; reason: string };

type TokenKind = '[' | ']' | '(' | ')' | ',' | 'string' | 'path' | 'op' | 'word' | 'literal';

interface Token {
  kind: TokenKind;
  text: string;
}

class PatternError extends Error {}

/**
 * A path's object type is at most 250 characters (STIX 2.1, 2.1). The bound matters: a path is
 * tried before every word and number, and without it each failed try scanned to the end of
 * the identifier run (`a-0a-0a-0...` is words and numbers, and one run): quadratic.
 */
const PATH = /[a-z0-9][a-z0-9_-]{0,249}:(?:[a-z0-9_-]+|'(?:[^'\\]|\\.)*'|\.|\[(?:\*|\d+)\])+/iy;
const WHITESPACE = /\s*/y;
const WORD = /[a-z_][a-z0-9_]*/iy;
const NUMBER = /-?\d+(?:\.\d+)?/y;
const TYPED_LITERAL = /(?:t|h|b64)'(?:[^'\\]|\\.)*'/y;
const OPERATOR = /!=|<=|>=|=|<|>/y;
const QUALIFIERS = new Set(['WITHIN', 'REPEATS', 'START', 'STOP']);
const WORD_OPERATORS = new Set(['LIKE', 'MATCHES', 'IN', 'ISSUBSET', 'ISSUPERSET']);

/**
 * Reads a STIX 2.1 pattern into the flat list of comparisons it ORs together:
 * `[ipv4-addr:value = '198.51.100.1' OR ipv4-addr:value = '203.0.113.0/24']`,
 * `[a] OR [b]`, nested parentheses, `IN ('x', 'y')`, escaped quotes (`\'`) in strings.
 *
 * Anything that is not a plain disjunction is refused with a reason, because an IOC index
 * can only express "any of these values": `AND` and `FOLLOWEDBY` (`unsupported pattern: AND`)
 * and qualifiers (`WITHIN`, `REPEATS`, `START`/`STOP`). Operators are returned as read; the
 * caller decides which it supports.
 *
 * Time is linear in the length of the pattern; brackets and parentheses nested deeper than
 * {@link MAX_PATTERN_DEPTH} are refused (`pattern nested deeper than 64 levels`), so no pattern
 * can exhaust the stack.
 */
export function parseStixPattern(pattern: string): StixPatternResult {
  try {
    const parser = new Parser(new Tokenizer(pattern));
    parser.observationExpression();
    parser.expectEnd();
    return { ok: true, comparisons: parser.comparisons };
  } catch (error) {
    if (error instanceof PatternError) return { ok: false, reason: error.message };
    throw error;
  }
}

const MATCHED_TOKENS: readonly (readonly [TokenKind, RegExp])[] = [
  ['literal', TYPED_LITERAL],
  ['path', PATH],
  ['word', WORD],
  ['literal', NUMBER],
  ['op', OPERATOR],
];

/** Reads tokens one at a time as the parser asks for them, so a pattern that fails early costs no more than its start. */
class Tokenizer {
  private at = 0;
  private ahead: Token | undefined;

  constructor(private readonly pattern: string) {}

  /** The next token without consuming it; `undefined` at the end. */
  peek(): Token | undefined {
    this.ahead ??= this.read();
    return this.ahead;
  }

  /** The next token, consumed; `undefined` at the end. */
  take(): Token | undefined {
    const token = this.peek();
    this.ahead = undefined;
    return token;
  }

  private read(): Token | undefined {
    WHITESPACE.lastIndex = this.at;
    this.at += WHITESPACE.exec(this.pattern)?.[0].length ?? 0;
    if (this.at >= this.pattern.length) return undefined;
    const char = this.pattern.charAt(this.at);
    const token = punctuation(char) ?? stringToken(this.pattern, this.at) ?? this.matchToken();
    if (!token) throw new PatternError(`malformed pattern: unexpected "${printableExcerpt(char)}" at position ${this.at + 1}`);
    this.at += token.length;
    return token.token;
  }

  private matchToken(): { token: Token; length: number } | undefined {
    for (const [kind, regex] of MATCHED_TOKENS) {
      const text = this.sticky(regex);
      if (text !== undefined) return { token: { kind, text: kind === 'word' ? text.toUpperCase() : text }, length: text.length };
    }
    return undefined;
  }

  private sticky(regex: RegExp): string | undefined {
    regex.lastIndex = this.at;
    return regex.exec(this.pattern)?.[0];
  }
}

function punctuation(char: string): { token: Token; length: number } | undefined {
  return '[](),'.includes(char) ? { token: { kind: char as TokenKind, text: char }, length: 1 } : undefined;
}

/** A quoted string at `start`, its escapes (`\'`, `\\`) undone; the text between escapes is copied by slices. */
function stringToken(pattern: string, start: number): { token: Token; length: number } | undefined {
  if (pattern[start] !== "'") return undefined;
  let value = '';
  let from = start + 1;
  for (let at = from; at < pattern.length; at += 1) {
    const char = pattern[at];
    if (char === "'") return { token: { kind: 'string', text: value + pattern.slice(from, at) }, length: at - start + 1 };
    if (char === '\\') {
      value += pattern.slice(from, at) + (pattern[at + 1] ?? '');
      at += 1;
      from = at + 1;
    }
  }
  throw new PatternError('malformed pattern: unterminated string');
}

/** Reads the tokens into {@link Parser.comparisons}, one list for the whole pattern (no arrays spread into others). */
class Parser {
  readonly comparisons: StixComparison[] = [];
  private depth = 0;

  constructor(private readonly tokens: Tokenizer) {}

  /** observation ( OR observation )*, refusing AND/FOLLOWEDBY and qualifiers. */
  observationExpression(): void {
    this.observation();
    for (;;) {
      const next = this.peek();
      if (next?.kind === 'word' && QUALIFIERS.has(next.text)) throw new PatternError(`unsupported pattern: qualifier ${next.text}`);
      if (!this.joiner()) return;
      this.observation();
    }
  }

  expectEnd(): void {
    const next = this.peek();
    if (next) throw new PatternError(`malformed pattern: unexpected "${printableExcerpt(next.text)}"`);
  }

  private observation(): void {
    if (this.accept('(')) {
      this.nested(() => this.observationExpression());
      this.expect(')');
      return;
    }
    this.expect('[');
    this.nested(() => this.comparisonExpression());
    this.expect(']');
  }

  private comparisonExpression(): void {
    this.comparisonTerm();
    while (this.joiner()) this.comparisonTerm();
  }

  private comparisonTerm(): void {
    if (this.accept('(')) {
      this.nested(() => this.comparisonExpression());
      this.expect(')');
      return;
    }
    const path = this.expect('path').text;
    const operator = this.operator();
    for (const value of this.values(operator)) this.comparisons.push({ path, operator: operator === 'IN' ? '=' : operator, value });
  }

  /** Reads one level of brackets or parentheses, refusing more than {@link MAX_PATTERN_DEPTH}. */
  private nested(read: () => void): void {
    this.depth += 1;
    if (this.depth > MAX_PATTERN_DEPTH) throw new PatternError(`pattern nested deeper than ${MAX_PATTERN_DEPTH} levels`);
    read();
    this.depth -= 1;
  }

  /** Consumes `OR`; throws on `AND` / `FOLLOWEDBY`; false on anything else. */
  private joiner(): boolean {
    const next = this.peek();
    if (next?.kind !== 'word') return false;
    if (next.text === 'AND' || next.text === 'FOLLOWEDBY') throw new PatternError(`unsupported pattern: ${next.text}`);
    if (next.text !== 'OR') return false;
    this.tokens.take();
    return true;
  }

  private operator(): string {
    const negated = this.peek()?.kind === 'word' && this.peek()?.text === 'NOT';
    if (negated) this.tokens.take();
    const token = this.next('an operator');
    const isOperator = token.kind === 'op' || (token.kind === 'word' && WORD_OPERATORS.has(token.text));
    if (!isOperator) throw new PatternError(`malformed pattern: expected an operator, got "${printableExcerpt(token.text)}"`);
    return negated ? `NOT ${token.text}` : token.text;
  }

  private values(operator: string): string[] {
    if (operator !== 'IN') return [this.stringValue()];
    this.expect('(');
    const values = [this.stringValue()];
    while (this.accept(',')) values.push(this.stringValue());
    this.expect(')');
    return values;
  }

  private stringValue(): string {
    const token = this.next('a value');
    if (token.kind !== 'string') throw new PatternError(`unsupported pattern: non-string value ${printableExcerpt(token.text)}`);
    return token.text;
  }

  private peek(): Token | undefined {
    return this.tokens.peek();
  }

  private next(expected: string): Token {
    const token = this.tokens.take();
    if (!token) throw new PatternError(`malformed pattern: expected ${expected}, got the end`);
    return token;
  }

  private accept(kind: TokenKind): boolean {
    if (this.peek()?.kind !== kind) return false;
    this.tokens.take();
    return true;
  }

  private expect(kind: TokenKind): Token {
    const expected = kind === 'path' ? 'an object path' : `"${kind}"`;
    const token = this.next(expected);
    if (token.kind !== kind) throw new PatternError(`malformed pattern: expected ${expected}, got "${printableExcerpt(token.text)}"`);
    return token;
  }
}
