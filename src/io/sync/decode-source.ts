import { SourceError } from '../../errors.js';

/** How far a source is searched for NUL bytes: UTF-16 text has one in every other byte of ASCII. */
const NUL_SNIFF_BYTES = 64 * 1024;

/**
 * The text of a source file or download, from its bytes: UTF-8 (a BOM dropped), or UTF-16 with a
 * byte-order mark (what Excel's "Unicode text" and PowerShell's `Out-File` write), decoded.
 * A file with NUL bytes and no BOM is refused in one line — UTF-16 without a BOM or a binary
 * file — instead of being read as UTF-8 and every line rejected. Invalid UTF-8 sequences become
 * U+FFFD, which no IOC value accepts, so they are rejected entry by entry with their line.
 */
export function decodeSource(bytes: Buffer, name: string): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.toString('utf8', 3);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes.subarray(0, NUL_SNIFF_BYTES).includes(0)) {
    throw new SourceError(`${name}: holds NUL bytes (UTF-16 without a byte-order mark, or a binary file): save it as UTF-8`);
  }
  return bytes.toString('utf8');
}
