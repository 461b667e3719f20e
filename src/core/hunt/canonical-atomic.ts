import { normalizeDomain } from '../ioc/normalize-domain.js';
import { normalizeEmail } from '../ioc/normalize-email.js';
import { normalizeUrl } from '../ioc/normalize-url.js';
import type { MatchKind } from './match-fields.js';

/** Already canonical for `normalizeDomain`: lower-case ASCII labels, no trailing dot. */
const CANONICAL_DOMAIN = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)+$/;

/**
 * The form a non-IP value is compared in, on both sides: IOC values and event values go
 * through this one function, so they agree by construction. It uses the sync normalisers
 * (IOC values are already their output, and they are idempotent) and falls back to a
 * plain comparison when a normaliser refuses an event value, because event fields hold
 * whatever was logged:
 *
 * - domain: `normalizeDomain` (lower case, trailing dot removed, IDN -> punycode); if it
 *   refuses, lower case without the trailing dot.
 * - url: `normalizeUrl` (lower-case scheme and host); if it refuses (`url.original` is
 *   often only a path), the raw string.
 * - hash: lower case.
 * - email: `normalizeEmail` (lower case, IDN domain -> punycode); if it refuses, lower case.
 *
 * Pitfall: an already-canonical domain skips `normalizeDomain` (its `domainToASCII` call is
 * the costly part); the result is the same either way.
 */
export function canonicalAtomic(kind: Exclude<MatchKind, 'ip'>, text: string): string {
  switch (kind) {
    case 'domain':
      return canonicalDomain(text);
    case 'url': {
      const result = normalizeUrl(text, { allowPrivate: true, maxPrefixV4: 0, maxPrefixV6: 0 });
      return result.ok ? result.ioc.value : text;
    }
    case 'hash':
      return text.toLowerCase();
    case 'email': {
      const result = normalizeEmail(text);
      return result.ok ? result.ioc.value : text.toLowerCase();
    }
  }
}

function canonicalDomain(text: string): string {
  if (CANONICAL_DOMAIN.test(text)) return text;
  const result = normalizeDomain(text);
  if (result.ok) return result.ioc.value;
  const lower = text.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}
