import { readFile, writeFile } from 'node:fs/promises';
import { OutputError, SourceError } from '../errors.js';
import { connect } from '../io/engine/connect.js';
import type { Engine } from '../io/engine/engine.js';
import { warnOn, type CliContext } from './cli-context.js';
import { configWarning, connectionOptionsFrom, type GlobalArgs } from './global-options.js';

/** `--index a,b --index c` -> `['a', 'b', 'c']`. */
export const splitList = (values: string[]): string[] =>
  values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * Connects with the global options, runs `fn`, and always closes the client (or Node would not
 * exit). With a `context`, every request retry is a warning line on stderr.
 */
export async function withEngine<T>(args: GlobalArgs, fn: (engine: Engine) => Promise<T>, context?: CliContext): Promise<T> {
  const exposed = configWarning(args);
  if (exposed && context) warnOn(context)(exposed);
  const engine = await connect({ ...connectionOptionsFrom(args), ...(context ? { onRetry: warnOn(context) } : {}), ...(context?.log ? { log: context.log } : {}) });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/** Writes a file the user asked for (`--out`): a failure is the same one-line OutputError in every command. */
export async function writeOutputFile(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text, 'utf8');
  } catch (error) {
    throw new OutputError(`--out ${path}: cannot write it (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
}

/** Reads a file named on the command line (`--file`, `simulate FILE`): a failure is one SourceError line. */
export async function readInputFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new SourceError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, { cause: error });
  }
}

/**
 * Runs `fn` with a signal that SIGINT or SIGTERM aborts, so a long command can stop at its
 * next checkpoint (exit 130) instead of dying mid-write; the handlers are removed afterwards.
 */
export async function withStopSignal<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
