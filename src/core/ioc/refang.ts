/**
 * Bracketed defang markers by closing bracket: the text the marker opens with (lower-case) and
 * what the marker stands for. `[://]`, `[.]`, `(.)`, `{.}`, `[dot]`, `[:]`, `[@]`, `[at]`...
 */
const MARKERS: ReadonlyMap<string, readonly (readonly [string, string])[]> = new Map([
  [']', [['[://', '://'], ['[.', '.'], ['[dot', '.'], ['[:', ':'], ['[@', '@'], ['[at', '@']]],
  [')', [['(.', '.'], ['(dot', '.'], ['(at', '@']]],
  ['}', [['{.', '.'], ['{dot', '.'], ['{at', '@']]],
]);

/** The full stops of CJK text (ideographic, fullwidth, halfwidth ideographic), which defang a dot: `evil。example`. */
const FULL_STOPS: ReadonlySet<string> = new Set(['\u3002', '\uff0e', '\uff61']);

/** Anything refang would change: a closing bracket, a CJK full stop, or an `h` that may open `hxxp`. */
const MAY_CHANGE = /[\])}\u3002\uff0e\uff61]|^h/i;

/** `hxxp`, `hXXps`, `hxxp[:]//`...: only at the start, where a scheme is. */
const DEFANGED_SCHEME = /^h[x]{2}p(s?)(?=:|\[)/i;

/**
 * Undoes the usual defanging of indicators in bulletins: `hxxp`/`hxxps` schemes, `[.]`,
 * `(.)`, `{.}`, `[dot]`, `[:]`, `[://]`, `[@]`, `[at]`, and the CJK full stops `。` `．` `｡`.
 *
 * Only bracketed markers are replaced, so IPv6 literals in brackets (`http://[2001:db8::1]/`)
 * and words containing "dot" or "at" are left alone. The scheme is only rewritten at the
 * start of the value. Nested markers such as `([.])` or `[[[.]]]` are refanged in the same
 * call, so refanging is idempotent.
 *
 * One pass, linear in the length: each closing bracket looks back at what was already written,
 * where an inner marker has already become its character, so `([.])` is `(` `.` `)` by the
 * time its `)` is read. (Replacing markers until nothing changes took one pass per nesting
 * level: quadratic on `[[[[...]]]]`.)
 */
export function refang(value: string): string {
  if (!MAY_CHANGE.test(value)) return value;
  const out: string[] = [];
  const scheme = DEFANGED_SCHEME.exec(value);
  if (scheme) out.push(...`http${(scheme[1] ?? '').toLowerCase()}`);
  for (let i = scheme ? scheme[0].length : 0; i < value.length; i++) {
    const char = value.charAt(i);
    if (FULL_STOPS.has(char)) out.push('.');
    else if (!closeMarker(out, char)) out.push(char);
  }
  return out.join('');
}

/** When `out` ends with the opening of a marker that `closer` ends, replaces that opening with the marker's character(s). */
function closeMarker(out: string[], closer: string): boolean {
  for (const [opening, replacement] of MARKERS.get(closer) ?? []) {
    if (!endsWith(out, opening)) continue;
    out.length -= opening.length;
    out.push(...replacement);
    return true;
  }
  return false;
}

/** Whether the characters at the end of `out` spell `opening`, ignoring case. */
function endsWith(out: readonly string[], opening: string): boolean {
  const from = out.length - opening.length;
  if (from < 0) return false;
  for (let k = 0; k < opening.length; k++) {
    if (out[from + k]?.toLowerCase() !== opening[k]) return false;
  }
  return true;
}
