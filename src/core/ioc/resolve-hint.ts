import type { HashAlgorithm } from './types.js';

/** What a type hint (an {@link IocType} or a MISP attribute type) says the value must be. */
export type HintKind =
  | { kind: 'ip'; family?: 4 | 6 }
  | { kind: 'domain' }
  | { kind: 'url' }
  | { kind: 'email' }
  | { kind: 'hash'; algorithm?: HashAlgorithm };

const HINTS: Readonly<Record<string, HintKind>> = {
  'ipv4-addr': { kind: 'ip', family: 4 },
  'ipv6-addr': { kind: 'ip', family: 6 },
  ip: { kind: 'ip' },
  'ip-dst': { kind: 'ip' },
  'ip-src': { kind: 'ip' },
  'domain-name': { kind: 'domain' },
  domain: { kind: 'domain' },
  hostname: { kind: 'domain' },
  url: { kind: 'url' },
  uri: { kind: 'url' },
  'email-addr': { kind: 'email' },
  email: { kind: 'email' },
  'email-src': { kind: 'email' },
  'email-dst': { kind: 'email' },
  'email-reply-to': { kind: 'email' },
  file: { kind: 'hash' },
  md5: { kind: 'hash', algorithm: 'md5' },
  sha1: { kind: 'hash', algorithm: 'sha1' },
  sha256: { kind: 'hash', algorithm: 'sha256' },
  sha512: { kind: 'hash', algorithm: 'sha512' },
};

/**
 * Maps a type hint to the kind of value it requires, or `undefined` when iochunt cannot
 * match that type (MISP `text`, `comment`, `AS`, `regkey`, `link`, `ssdeep`...).
 *
 * Accepts the six {@link IocType} names, the MISP attribute types that carry one of them
 * (`ip-dst`, `ip-src`, `domain`, `hostname`, `url`, `uri`, `md5`, `sha1`, `sha256`,
 * `sha512`, `email`, `email-src`, `email-dst`), case-insensitively. Composite MISP types
 * (`domain|ip`) are not hints: split them with `splitMispValue` first.
 */
export function resolveHint(hint: string): HintKind | undefined {
  const key = hint.trim().toLowerCase();
  return Object.hasOwn(HINTS, key) ? HINTS[key] : undefined;
}
