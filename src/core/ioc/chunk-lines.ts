/** A slice of a line-oriented source, parseable on its own. */
export interface TextChunk {
  text: string;
  /**
   * Add to a line number the parser reports for this chunk to get the source's line number
   * (the repeated header, when there is one, is line 1 of every chunk).
   */
  lineOffset: number;
}

export interface ChunkOptions {
  /** Repeat the first line (a CSV header) at the top of every chunk. */
  header: boolean;
  /** Data lines per chunk (a CSV record spanning lines is never cut). */
  maxLines: number;
  /** Track `"` quoting, so a quoted field with newlines stays in one chunk (CSV). */
  quoted: boolean;
}

/**
 * Cuts a large line-oriented source (TXT, CSV) into chunks that parse independently, so a
 * million-line file is parsed and written a slice at a time instead of held whole as
 * objects. Pure; yields one chunk for small inputs.
 */
export function* chunkLines(text: string, options: ChunkOptions): Generator<TextChunk> {
  let position = 0;
  let header = '';
  let dataStartLine = 1;
  if (options.header) {
    const end = nextLineEnd(text, 0);
    header = text.slice(0, end.contentEnd);
    position = end.next;
    dataStartLine = 2;
  }
  while (position < text.length) {
    const chunkStart = position;
    let lines = 0;
    let inQuotes = false;
    while (position < text.length && (lines < options.maxLines || inQuotes)) {
      const end = nextLineEnd(text, position);
      if (options.quoted && countQuotes(text, position, end.contentEnd) % 2 === 1) inQuotes = !inQuotes;
      position = end.next;
      lines += 1;
    }
    const body = text.slice(chunkStart, position);
    yield options.header
      ? { text: `${header}\n${body}`, lineOffset: dataStartLine - 2 }
      : { text: body, lineOffset: dataStartLine - 1 };
    dataStartLine += countNewlines(body, lines);
  }
}

function nextLineEnd(text: string, from: number): { contentEnd: number; next: number } {
  const newline = text.indexOf('\n', from);
  if (newline === -1) return { contentEnd: text.length, next: text.length };
  return { contentEnd: newline > from && text[newline - 1] === '\r' ? newline - 1 : newline, next: newline + 1 };
}

function countQuotes(text: string, from: number, to: number): number {
  let count = 0;
  // A bounded scan: indexOf would run to the end of the text on every quote-free line.
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 34) count += 1;
  return count;
}

/** Physical lines in a chunk body: its newlines, or the line count when the last has none. */
function countNewlines(body: string, lines: number): number {
  let count = 0;
  for (let i = body.indexOf('\n'); i !== -1; i = body.indexOf('\n', i + 1)) count += 1;
  return Math.max(count, lines);
}
