import { expect } from 'vitest';

/**
 * The budgets hostile input is held to, in microseconds per character: about ten times the
 * slowest shape measured on a 2-core machine (0.54 to 0.75 for a document, 0.23 for values at
 * the cap), so a loaded CI machine passes and a quadratic path (minutes on a megabyte, 2.5 to
 * 50 at the cap in the code before issue 12) does not.
 */
export const MICROSECONDS_PER_CHARACTER = {
  /** A parser, or refang, on a 1 MB document: JSON.parse, csv-parse, one normalisation per entry. */
  document: 6,
  /** normalizeIndicator on values just under the length cap: a few scans of each value. */
  valueAtCap: 2,
} as const;

/**
 * Asserts that `run(input)` took at most `budget` microseconds per character of `input`. The
 * best of two runs counts: one slow run on a loaded machine is a neighbour's garbage collection,
 * two are the code. A quadratic path on a megabyte takes minutes, so a linear budget with
 * tenfold headroom still tells them apart.
 */
export function expectLinear(name: string, input: { length: number }, run: () => unknown, budget: number): void {
  const first = microsecondsPerCharacter(input.length, run);
  const best = first <= budget ? first : Math.min(first, microsecondsPerCharacter(input.length, run));
  expect(best, `${name}: ${best.toFixed(3)} µs per character (budget ${budget})`).toBeLessThanOrEqual(budget);
}

function microsecondsPerCharacter(length: number, run: () => unknown): number {
  const start = performance.now();
  run();
  return ((performance.now() - start) * 1000) / Math.max(1, length);
}
