import { describe, expect, it } from 'vitest';
import { printable } from '../../../src/cli/printable.js';

describe('printable', () => {
  it('shows terminal controls as escapes instead of letting the terminal obey them', () => {
    const hostile = 'feed APT \u001b]0;pwned-title\u0007\u001b[2J end\r\u009b31m \u202egnp.exe';
    const shown = printable(hostile);
    expect(shown).toBe('feed APT \\u001b]0;pwned-title\\u0007\\u001b[2J end\\u000d\\u009b31m \\u202egnp.exe');
    expect(controlsIn(shown)).toEqual([]);
  });

  it('escapes the Unicode line separators, which JSON.stringify leaves as they are', () => {
    expect(printable(JSON.stringify('a\u2028b\u2029c'))).toBe('"a\\u2028b\\u2029c"');
  });

  it('keeps tabs and newlines of tables, and escapes newlines where one line is expected', () => {
    expect(printable('a\tb\nc')).toBe('a\tb\nc');
    expect(printable('a\nb', { lines: false })).toBe('a\\u000ab');
  });

  it('keeps --json valid: escaped controls parse back to the same string', () => {
    const value = { info: 'x\u007f\u0085\u202ey' };
    expect(JSON.parse(printable(JSON.stringify(value)))).toEqual(value);
  });
});

/** The characters of a text a terminal would act on (C0 but tab and newline, DEL, C1, RLO). */
function controlsIn(text: string): string[] {
  return [...text].filter((char) => {
    const code = char.charCodeAt(0);
    return (code < 0x20 && char !== '\n' && char !== '\t') || (code >= 0x7f && code <= 0x9f) || code === 0x202e;
  });
}
