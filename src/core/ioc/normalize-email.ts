import { normalizeDomain } from './normalize-domain.js';
import type { CanonicalResult } from './types.js';

/** RFC 5322 dot-atom local part (no quoted strings: they do not occur in threat feeds). */
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/i;

/**
 * Canonicalises an email address. The whole address is lower-cased, not only the domain:
 * local parts are case-sensitive in theory (RFC 5321) but no mail provider treats them so,
 * and matching is exact on keyword fields, so one canonical case is what lets
 * `Phish@Evil.example` in a bulletin match `phish@evil.example` in mail logs. The domain
 * gets the domain rules (IDN -> punycode); address literals (`user@[192.0.2.1]`) are rejected.
 */
export function normalizeEmail(text: string): CanonicalResult {
  const at = text.lastIndexOf('@');
  if (at < 0) return { ok: false, reason: 'email address without "@"' };
  const local = text.slice(0, at);
  if (local === '') return { ok: false, reason: 'email address with an empty local part' };
  if (local.length > 64) return { ok: false, reason: 'email local part longer than 64 characters' };
  if (!LOCAL_PART.test(local)) return { ok: false, reason: 'malformed email local part' };
  const domain = normalizeDomain(text.slice(at + 1));
  if (!domain.ok) return { ok: false, reason: `email domain: ${domain.reason}` };
  return { ok: true, ioc: { type: 'email-addr', value: `${local}@${domain.ioc.value}`.toLowerCase() } };
}
