import type { LogFormat, Logger } from '../logger.js';

/** Where commands write; `main.ts` passes stdout and stderr, tests may pass their own. */
export interface CliContext {
  /** A result line on stdout (tables, `--json`). */
  out: (text: string) => void;
  /** A line for people on stderr (progress steps, the run id). */
  err: (text: string) => void;
  /** The `--log-level`/`--log-format` logger, writing through `err`; set once the options are read. */
  log?: Logger;
  /** The log format in force (`--log-format`, else by {@link defaultLogFormat}); set with `log`. */
  logFormat?: LogFormat;
  /** stderr is a terminal (a person reads it): the default log format is then text, else JSON. */
  errIsTerminal?: boolean;
}

/** Without `--log-format`: text for a person at a terminal, JSON lines for everything else (a pipe, a file, a collector). */
export function defaultLogFormat(context: CliContext): LogFormat {
  return context.errIsTerminal === true ? 'text' : 'json';
}

/** Every command warns the same way: through the logger (`iochunt: warning: <message>` in text format). */
export function warnOn(context: CliContext): (message: string) => void {
  return (message) => (context.log ? context.log.warn(message) : context.err(`iochunt: warning: ${message}`));
}
