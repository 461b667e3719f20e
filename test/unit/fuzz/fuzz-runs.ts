/** The `FUZZ_RUNS` multiplier: 1 in CI, more for a longer search (`npm run fuzz` sets it). */
const FACTOR = ((): number => {
  const factor = Number(process.env.FUZZ_RUNS ?? '1');
  return Number.isFinite(factor) && factor >= 1 ? factor : 1;
})();

/** True under `npm run fuzz`: every document of every parser, every hint, not a rotating subset. */
export const LONG_FUZZ = FACTOR > 1;

/** How many runs a property gets: `base` in CI (the unit project stays fast), times `FUZZ_RUNS` for a longer search. */
export function fuzzRuns(base: number): number {
  return Math.round(base * FACTOR);
}
