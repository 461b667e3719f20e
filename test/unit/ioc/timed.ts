/**
 * Runs `run` and returns its result with the wall time it took. A regression test for a
 * super-linear path asserts a bound far above the linear time and far below the old one, so a
 * loaded machine does not make it flaky.
 */
export function timed<T>(run: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = run();
  return { result, ms: performance.now() - start };
}
