import type { CanonicalResult, HashAlgorithm } from './types.js';

const BY_LENGTH: Readonly<Record<number, HashAlgorithm>> = { 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' };

const LABELS: Readonly<Record<HashAlgorithm, string>> = {
  md5: 'MD5',
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha512: 'SHA-512',
};

/**
 * Canonicalises a file hash: lower-case hex, algorithm from the length (32 MD5, 40 SHA-1,
 * 64 SHA-256, 128 SHA-512). When `expected` is given (a MISP `sha256` attribute, a STIX
 * `file:hashes.'SHA-256'`), a hash of another length is a contradiction, not a guess.
 */
export function normalizeHash(text: string, expected?: HashAlgorithm): CanonicalResult {
  if (!/^[0-9a-f]+$/i.test(text)) return { ok: false, reason: 'hash is not hexadecimal' };
  const algorithm = BY_LENGTH[text.length];
  if (!algorithm) {
    return { ok: false, reason: `hex string of ${text.length} characters is not an MD5, SHA-1, SHA-256 or SHA-512 hash` };
  }
  if (expected && expected !== algorithm) {
    return { ok: false, reason: `expected a ${LABELS[expected]} hash, got ${text.length} hex characters (${LABELS[algorithm]})` };
  }
  return { ok: true, ioc: { type: 'file', value: text.toLowerCase(), hashAlgorithm: algorithm } };
}
