import { describe, expect, it } from 'vitest';
import { chunkLines } from '../../../src/core/ioc/chunk-lines.js';

describe('chunkLines', () => {
  it('repeats the header and maps chunk lines back to source lines', () => {
    const text = 'type,value\na,1\nb,2\nc,3\nd,4\ne,5\n';
    const chunks = [...chunkLines(text, { header: true, maxLines: 2, quoted: true })];
    expect(chunks).toEqual([
      { text: 'type,value\na,1\nb,2\n', lineOffset: 0 },
      { text: 'type,value\nc,3\nd,4\n', lineOffset: 2 },
      { text: 'type,value\ne,5\n', lineOffset: 4 },
    ]);
    // "d,4" is line 3 of the second chunk and line 5 of the source.
    expect(3 + chunks[1]!.lineOffset).toBe(5);
  });

  it('never cuts a quoted field that spans lines', () => {
    const text = 'value,description\nx,"multi\nline"\ny,z\n';
    const chunks = [...chunkLines(text, { header: true, maxLines: 1, quoted: true })];
    expect(chunks.map((c) => c.text)).toEqual(['value,description\nx,"multi\nline"\n', 'value,description\ny,z\n']);
    expect(chunks[1]!.lineOffset).toBe(2); // "y,z" is chunk line 2, source line 4
  });

  it('chunks headerless text and handles a last line without newline and CRLF', () => {
    const chunks = [...chunkLines('a\r\nb\r\nc', { header: false, maxLines: 2, quoted: false })];
    expect(chunks).toEqual([
      { text: 'a\r\nb\r\n', lineOffset: 0 },
      { text: 'c', lineOffset: 2 },
    ]);
  });

  it('yields nothing for an empty body and one chunk for small input', () => {
    expect([...chunkLines('value\n', { header: true, maxLines: 10, quoted: true })]).toEqual([]);
    expect([...chunkLines('1.2.3.4\n', { header: false, maxLines: 10, quoted: false })]).toHaveLength(1);
  });
});
