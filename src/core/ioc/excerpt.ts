import { isControlCharacter } from './control-character.js';

/** How much source text a rejection reason quotes. */
const REASON_EXCERPT_LENGTH = 64;

/**
 * At most `max` characters of `text`, followed by `…` when it was cut, never cutting a
 * surrogate pair in half. A reason quotes source text (a type, a date, a token) that a hostile
 * source can make megabytes long; the reason must stay one short line.
 */
export function excerpt(text: string, max = REASON_EXCERPT_LENGTH): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  const highSurrogateLast = code >= 0xd800 && code <= 0xdbff;
  return `${text.slice(0, highSurrogateLast ? max - 1 : max)}…`;
}

/**
 * {@link excerpt} for text a reason shows unquoted: control characters and the line and
 * paragraph separators (U+2028, U+2029) are written `\u000a`, as JSON would, so a newline in
 * a CSV type cell cannot split the reason over two lines.
 */
export function printableExcerpt(text: string, max = REASON_EXCERPT_LENGTH): string {
  return escapeLineBreakers(excerpt(text, max));
}

/** {@link excerpt} in JSON quotes (`"2021-13-01"`), the line and paragraph separators escaped too: JSON leaves them raw. */
export function quotedExcerpt(text: string): string {
  return escapeLineBreakers(JSON.stringify(excerpt(text)));
}

function escapeLineBreakers(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    out += isControlCharacter(code) || code === 0x2028 || code === 0x2029 ? `\\u${code.toString(16).padStart(4, '0')}` : char;
  }
  return out;
}
