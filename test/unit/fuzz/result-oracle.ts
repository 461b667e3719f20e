import { expect } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { MAX_VALUE_LENGTH } from '../../../src/core/ioc/limits.js';
import type { ParseResult } from '../../../src/core/ioc/types.js';

/** Longest reason any rejection gives: fixed words plus excerpts of 64 characters. */
const MAX_REASON_LENGTH = 400;

/** A reason or message a person reads on one line: no line break, bounded, not blank. */
export function expectOneLine(text: string, what: string): void {
  expect(text, what).toMatch(/\S/);
  expect(text, what).not.toMatch(/[\r\n\u2028\u2029]/);
  expect(text.length, what).toBeLessThanOrEqual(MAX_REASON_LENGTH);
}

/** What every value a parser or normaliser accepts must be: within the cap, free of control characters. */
export function expectCleanValue(value: string): void {
  expect(value.length).toBeLessThanOrEqual(MAX_VALUE_LENGTH);
  expect(value).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/); // eslint-disable-line no-control-regex -- the oracle names them
}

/** A parser's answer to hostile text: an InputError of one line, or a result whose every entry is clean. */
export function expectSaneOutcome(outcome: unknown): void {
  if (outcome instanceof InputError) return expectOneLine(outcome.message, 'InputError message');
  if (!isParseResult(outcome)) return;
  for (const ioc of outcome.iocs) expectCleanValue(ioc.value);
  for (const entry of outcome.rejected) expectOneLine(entry.reason, `reason for ${JSON.stringify(entry.value.slice(0, 80))}`);
}

function isParseResult(value: unknown): value is ParseResult {
  return typeof value === 'object' && value !== null && Array.isArray((value as ParseResult).iocs) && Array.isArray((value as ParseResult).rejected);
}
