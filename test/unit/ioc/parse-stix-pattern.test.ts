import { describe, expect, it } from 'vitest';
import { MAX_PATTERN_DEPTH } from '../../../src/core/ioc/limits.js';
import { parseStixPattern } from '../../../src/core/ioc/parse-stix-pattern.js';
import { timed } from './timed.js';

const COMPARISON = "ipv4-addr:value = '45.153.160.2'";
const nested = (depth: number, open: string, close: string, inner: string) => `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

describe('parseStixPattern', () => {
  it('reads one comparison', () => {
    expect(parseStixPattern("[domain-name:value = 'evil.example']")).toEqual({
      ok: true,
      comparisons: [{ path: 'domain-name:value', operator: '=', value: 'evil.example' }],
    });
  });

  it('reads comparisons joined by OR inside and across observations', () => {
    expect(
      parseStixPattern("[ipv4-addr:value = '198.51.100.1' OR ipv4-addr:value = '203.0.113.0/24'] OR ([url:value = 'http://x'])"),
    ).toEqual({
      ok: true,
      comparisons: [
        { path: 'ipv4-addr:value', operator: '=', value: '198.51.100.1' },
        { path: 'ipv4-addr:value', operator: '=', value: '203.0.113.0/24' },
        { path: 'url:value', operator: '=', value: 'http://x' },
      ],
    });
  });

  it('reads quoted hash keys, escaped quotes and backslashes', () => {
    expect(parseStixPattern("[file:hashes.'SHA-256' = 'ab' OR file:hashes.MD5 = 'cd' OR url:value = 'http://x/o\\'neil\\\\a']")).toEqual({
      ok: true,
      comparisons: [
        { path: "file:hashes.'SHA-256'", operator: '=', value: 'ab' },
        { path: 'file:hashes.MD5', operator: '=', value: 'cd' },
        { path: 'url:value', operator: '=', value: "http://x/o'neil\\a" },
      ],
    });
  });

  it('expands IN lists and keeps other operators for the caller to judge', () => {
    expect(parseStixPattern("[email-message:to_refs[*].value IN ('a@x.example', 'b@x.example') OR ipv4-addr:value ISSUBSET '45.155.205.0/24' OR domain-name:value NOT = 'ok.example' or url:value LIKE 'http://%']")).toEqual({
      ok: true,
      comparisons: [
        { path: 'email-message:to_refs[*].value', operator: '=', value: 'a@x.example' },
        { path: 'email-message:to_refs[*].value', operator: '=', value: 'b@x.example' },
        { path: 'ipv4-addr:value', operator: 'ISSUBSET', value: '45.155.205.0/24' },
        { path: 'domain-name:value', operator: 'NOT =', value: 'ok.example' },
        { path: 'url:value', operator: 'LIKE', value: 'http://%' },
      ],
    });
  });

  it.each([
    ["[ipv4-addr:value = '1.1.1.1' AND ipv4-addr:value = '1.0.0.1']", 'unsupported pattern: AND'],
    ["[ipv4-addr:value = '1.1.1.1'] AND [domain-name:value = 'x.example']", 'unsupported pattern: AND'],
    ["[ipv4-addr:value = '1.1.1.1'] FOLLOWEDBY [domain-name:value = 'x.example']", 'unsupported pattern: FOLLOWEDBY'],
    ["[ipv4-addr:value = '1.1.1.1'] WITHIN 300 SECONDS", 'unsupported pattern: qualifier WITHIN'],
    ["[ipv4-addr:value = '1.1.1.1'] START t'2021-01-01T00:00:00Z' STOP t'2021-02-01T00:00:00Z'", 'unsupported pattern: qualifier START'],
    ['[network-traffic:dst_port = 443]', 'unsupported pattern: non-string value 443'],
    ["ipv4-addr:value = '1.1.1.1'", 'malformed pattern: expected "[", got "ipv4-addr:value"'],
    ["[ipv4-addr:value = '1.1.1.1'", 'malformed pattern: expected "]", got the end'],
    ["[ipv4-addr:value = '1.1.1.1]", 'malformed pattern: unterminated string'],
    ["['1.1.1.1' = ipv4-addr:value]", 'malformed pattern: expected an object path, got "1.1.1.1"'],
    ["[ipv4-addr:value '1.1.1.1']", 'malformed pattern: expected an operator, got "1.1.1.1"'],
    ["[ipv4-addr:value = '1.1.1.1'] ]", 'malformed pattern: unexpected "]"'],
    ["[ipv4-addr:value = '1.1.1.1' ; ]", 'malformed pattern: unexpected ";" at position 30'],
  ])('refuses %s', (pattern, reason) => {
    expect(parseStixPattern(pattern)).toEqual({ ok: false, reason });
  });

  it('reads patterns nested up to MAX_PATTERN_DEPTH levels', () => {
    const comparisons = [{ path: 'ipv4-addr:value', operator: '=', value: '45.153.160.2' }];
    expect(parseStixPattern(nested(MAX_PATTERN_DEPTH - 1, '(', ')', `[${COMPARISON}]`))).toEqual({ ok: true, comparisons });
    expect(parseStixPattern(`[${nested(MAX_PATTERN_DEPTH - 1, '(', ')', COMPARISON)}]`)).toEqual({ ok: true, comparisons });
  });

  it.each([
    ['observations', nested(50_000, '(', ')', `[${COMPARISON}]`)],
    ['comparisons', `[${nested(50_000, '(', ')', COMPARISON)}]`],
    ['an unclosed run', '('.repeat(50_000)],
  ])('refuses %s nested 50,000 deep with a reason instead of overflowing the stack', (_shape, pattern) => {
    expect(parseStixPattern(pattern)).toEqual({ ok: false, reason: `pattern nested deeper than ${MAX_PATTERN_DEPTH} levels` });
  });

  it('refuses 50,000 opening brackets, which do not nest, as malformed', () => {
    expect(parseStixPattern('['.repeat(50_000))).toEqual({ ok: false, reason: 'malformed pattern: expected an object path, got "["' });
  });

  // The old tokenizer read every token first, re-scanning the rest for a path at each word: 60 KB took 1.9 s.
  it('refuses 60 KB of words and numbers that never form a path in linear time', () => {
    const { result, ms } = timed(() => parseStixPattern(`[${'a-0'.repeat(20_000)}`));
    expect(result).toEqual({ ok: false, reason: 'malformed pattern: expected an object path, got "A"' });
    expect(ms).toBeLessThan(200);
  });

  it('expands an IN list of 300,000 values (more than a spread call can pass)', () => {
    const values = Array.from({ length: 300_000 }, () => "'x'").join(',');
    const result = parseStixPattern(`[url:value IN (${values})]`);
    expect(result.ok && result.comparisons.length).toBe(300_000);
  });

  it('names a long unexpected token in at most 64 characters', () => {
    expect(parseStixPattern(`[ipv4-addr:value ${'X'.repeat(100)} '1']`)).toEqual({
      ok: false,
      reason: `malformed pattern: expected an operator, got "${'X'.repeat(64)}…"`,
    });
  });
});
