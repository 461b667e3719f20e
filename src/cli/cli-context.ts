/** What commands write to; tests pass their own. */
export interface CliContext {
  /** A result line on stdout. */
  out: (text: string) => void;
}
