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

const PATH = /[a-z0-9][a-z0-9_-]*:(?:[a-z0-9_-]+|'(?:[^'\\]|\\.)*'|\.|\[(?:\*|\d+)\])+/iy;
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
 */
export function parseStixPattern(pattern: string): StixPatternResult {
  try {
    const parser = new Parser(tokenize(pattern));
    const comparisons = parser.observationExpression();
    parser.expectEnd();
    return { ok: true, comparisons };
  } catch (error) {
    if (error instanceof PatternError) return { ok: false, reason: error.message };
    throw error;
  }
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const sticky = (regex: RegExp): string | undefined => {
    regex.lastIndex = at;
    return regex.exec(pattern)?.[0];
  };
  while (at < pattern.length) {
    const char = pattern[at] ?? '';
    if (/\s/.test(char)) {
      at += 1;
      continue;
    }
    const token = punctuation(char) ?? stringToken(pattern, at) ?? matchToken(sticky);
    if (!token) throw new PatternError(`malformed pattern: unexpected "${char}" at position ${at + 1}`);
    tokens.push(token.token);
    at += token.length;
  }
  return tokens;
}

function punctuation(char: string): { token: Token; length: number } | undefined {
  return '[](),'.includes(char) ? { token: { kind: char as TokenKind, text: char }, length: 1 } : undefined;
}

function stringToken(pattern: string, start: number): { token: Token; length: number } | undefined {
  if (pattern[start] !== "'") return undefined;
  let value = '';
  for (let at = start + 1; at < pattern.length; at += 1) {
    const char = pattern[at];
    if (char === '\\') {
      value += pattern[at + 1] ?? '';
      at += 1;
    } else if (char === "'") {
      return { token: { kind: 'string', text: value }, length: at - start + 1 };
    } else {
      value += char;
    }
  }
  throw new PatternError('malformed pattern: unterminated string');
}

function matchToken(sticky: (regex: RegExp) => string | undefined): { token: Token; length: number } | undefined {
  const candidates: [TokenKind, RegExp][] = [
    ['literal', TYPED_LITERAL],
    ['path', PATH],
    ['word', WORD],
    ['literal', NUMBER],
    ['op', OPERATOR],
  ];
  for (const [kind, regex] of candidates) {
    const text = sticky(regex);
    if (text !== undefined) return { token: { kind, text: kind === 'word' ? text.toUpperCase() : text }, length: text.length };
  }
  return undefined;
}

class Parser {
  private at = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  /** observation ( OR observation )*, refusing AND/FOLLOWEDBY and qualifiers. */
  observationExpression(): StixComparison[] {
    const comparisons = this.observation();
    for (;;) {
      const next = this.peek();
      if (next?.kind === 'word' && QUALIFIERS.has(next.text)) throw new PatternError(`unsupported pattern: qualifier ${next.text}`);
      if (!this.joiner()) return comparisons;
      comparisons.push(...this.observation());
    }
  }

  expectEnd(): void {
    const next = this.peek();
    if (next) throw new PatternError(`malformed pattern: unexpected "${next.text}"`);
  }

  private observation(): StixComparison[] {
    if (this.accept('(')) {
      const inner = this.observationExpression();
      this.expect(')');
      return inner;
    }
    this.expect('[');
    const inner = this.comparisonExpression();
    this.expect(']');
    return inner;
  }

  private comparisonExpression(): StixComparison[] {
    const comparisons = this.comparisonTerm();
    while (this.joiner()) comparisons.push(...this.comparisonTerm());
    return comparisons;
  }

  private comparisonTerm(): StixComparison[] {
    if (this.accept('(')) {
      const inner = this.comparisonExpression();
      this.expect(')');
      return inner;
    }
    const path = this.expect('path').text;
    const operator = this.operator();
    return this.values(operator).map((value) => ({ path, operator: operator === 'IN' ? '=' : operator, value }));
  }

  /** Consumes `OR`; throws on `AND` / `FOLLOWEDBY`; false on anything else. */
  private joiner(): boolean {
    const next = this.peek();
    if (next?.kind !== 'word') return false;
    if (next.text === 'AND' || next.text === 'FOLLOWEDBY') throw new PatternError(`unsupported pattern: ${next.text}`);
    if (next.text !== 'OR') return false;
    this.at += 1;
    return true;
  }

  private operator(): string {
    const negated = this.peek()?.kind === 'word' && this.peek()?.text === 'NOT';
    if (negated) this.at += 1;
    const token = this.next('an operator');
    const isOperator = token.kind === 'op' || (token.kind === 'word' && WORD_OPERATORS.has(token.text));
    if (!isOperator) throw new PatternError(`malformed pattern: expected an operator, got "${token.text}"`);
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
    if (token.kind !== 'string') throw new PatternError(`unsupported pattern: non-string value ${token.text}`);
    return token.text;
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private next(expected: string): Token {
    const token = this.tokens[this.at];
    if (!token) throw new PatternError(`malformed pattern: expected ${expected}, got the end`);
    this.at += 1;
    return token;
  }

  private accept(kind: TokenKind): boolean {
    if (this.peek()?.kind !== kind) return false;
    this.at += 1;
    return true;
  }

  private expect(kind: TokenKind): Token {
    const expected = kind === 'path' ? 'an object path' : `"${kind}"`;
    const token = this.next(expected);
    if (token.kind !== kind) throw new PatternError(`malformed pattern: expected ${expected}, got "${token.text}"`);
    return token;
  }
}
