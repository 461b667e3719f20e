/**
 * Control characters (Unicode category Cc): C0 (U+0000-U+001F), DEL (U+007F) and C1
 * (U+0080-U+009F). No IOC contains one (logs percent-encode them in URLs); in a value they
 * are a crafted input, and in a terminal ESC, CSI (U+009B) and BEL act instead of showing.
 */
export function isControlCharacter(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

/** The code of the first control character of `text`, or `undefined`. A scan: no pattern runs on hostile text. */
export function findControlCharacter(text: string): number | undefined {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isControlCharacter(code)) return code;
  }
  return undefined;
}

/** `U+001B`: how reasons name a character. */
export function codePointName(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
