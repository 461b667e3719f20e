/** Bracketed defang markers and what they stand for. Longest first: `[://]` before `[:]`. */
const MARKERS: readonly (readonly [RegExp, string])[] = [
  [/\[:\/\/\]/g, '://'],
  [/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}/gi, '.'],
  [/\[:\]/g, ':'],
  [/\[@\]|\[at\]|\(at\)|\{at\}/gi, '@'],
];

/** `hxxp`, `hXXps`, `hxxp[:]//`...: only at the start, where a scheme is. */
const DEFANGED_SCHEME = /^h[x]{2}p(s?)(?=:|\[)/i;

/**
 * Undoes the usual defanging of indicators in bulletins: `hxxp`/`hxxps` schemes, `[.]`,
 * `(.)`, `{.}`, `[dot]`, `[:]`, `[://]`, `[@]`, `[at]`.
 *
 * Only bracketed markers are replaced, so IPv6 literals in brackets (`http://[2001:db8::1]/`)
 * and words containing "dot" or "at" are left alone. The scheme is only rewritten at the
 * start of the value. Replacement repeats until nothing changes, so nested markers such as
 * `([.])` end up refanged in one call and refanging is idempotent.
 */
export function refang(value: string): string {
  let previous: string;
  let out = value;
  do {
    previous = out;
    out = out.replace(DEFANGED_SCHEME, (_match, s: string) => `http${s.toLowerCase()}`);
    for (const [pattern, replacement] of MARKERS) out = out.replace(pattern, replacement);
  } while (out !== previous);
  return out;
}
