/** Where commands write; `main.ts` passes stdout and stderr, tests may pass their own. */
export interface CliContext {
  /** A result line on stdout (tables, `--json`). */
  out: (text: string) => void;
  /** A line for people on stderr (progress steps, the run id). */
  err: (text: string) => void;
}

/** `iochunt: warning: <message>` on stderr: every command warns the same way. */
export function warnOn(context: CliContext): (message: string) => void {
  return (message) => context.err(`iochunt: warning: ${message}`);
}
