import { InputError } from '../../../src/errors.js';

/**
 * Runs `run`, returning its result or the InputError it threw: the one error a parser may throw
 * for a bad source. Any other error (a RangeError from a deep recursion or a regex stack, a
 * TypeError) propagates and fails the test.
 */
export function allowingInputError<T>(run: () => T): T | InputError {
  try {
    return run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
}
