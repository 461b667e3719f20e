/**
 * Characters a terminal acts on rather than shows: C0 controls (ESC starts colour, title and
 * screen-clearing sequences, BEL rings, CR overwrites a line), DEL, the C1 controls (U+009B is
 * a one-byte CSI on some terminals) and the bidirectional overrides that reorder what is shown
 * (CVE-2021-42574), and the Unicode line and paragraph separators (U+2028/9). Tab and, where
 * lines are expected, newline are kept.
 */
/* eslint-disable no-control-regex -- these patterns exist to find control characters */
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const UNPRINTABLE_OR_NEWLINE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

const escape = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * `feed APT \u001b]0;pwned\u0007` instead of a retitled terminal: every value an attacker or a
 * server chose (MISP `info`, STIX `name`, IOC values, error reasons) is shown, never obeyed.
 * The escapes are JSON escapes, so `--json` output stays valid JSON with the same strings.
 */
export function printable(text: string, options: { lines: boolean } = { lines: true }): string {
  return text.replace(options.lines ? UNPRINTABLE : UNPRINTABLE_OR_NEWLINE, escape);
}
