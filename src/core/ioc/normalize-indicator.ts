import { normalizeDomain } from './normalize-domain.js';
import { normalizeEmail } from './normalize-email.js';
import { normalizeHash } from './normalize-hash.js';
import { normalizeIp } from './normalize-ip.js';
import { normalizeUrl } from './normalize-url.js';
import { refang } from './refang.js';
import { resolveHint, type HintKind } from './resolve-hint.js';
import type { CanonicalResult, IocType, NormalizeOptions, NormalizeResult } from './types.js';

type Kind = HintKind['kind'];

const KIND_WORDS: Readonly<Record<Kind, string>> = {
  ip: 'an IP address or network',
  domain: 'a domain',
  url: 'a URL',
  email: 'an email address',
  hash: 'a hash',
};

/**
 * Turns one value as written in a source into a canonical IOC, or says why it cannot be one.
 *
 * Steps: trim, refang (`hxxp`, `[.]`, `(.)`, `[dot]`, `[:]`, `[@]`...), then the rules of the
 * value's kind (see `normalizeIp`, `normalizeDomain`, `normalizeUrl`, `normalizeHash`,
 * `normalizeEmail`). `original` keeps the trimmed, still-defanged text.
 *
 * Without a hint the kind is inferred from the shape: URL (has a scheme), IP/CIDR, email
 * (has `@`), hash (hex), domain. With a hint (an {@link IocType} or a MISP attribute type
 * such as `ip-dst`, `sha256`), the value must be of that kind: `ip-dst` with a domain is
 * rejected with a reason naming both, never silently re-typed. Unknown hints are rejected
 * as `unsupported type <t>`.
 *
 * Idempotent: normalising `ioc.value` again gives the same type and value.
 */
export function normalizeIndicator(raw: string, hint?: IocType | string, options: NormalizeOptions = {}): NormalizeResult {
  const original = raw.trim();
  if (original === '') return { ok: false, reason: 'empty value' };
  const value = refang(original);
  const hinted = hint === undefined || hint.trim() === '' ? undefined : resolveHint(hint);
  if (hint !== undefined && hint.trim() !== '' && !hinted) return { ok: false, reason: unsupportedHintReason(hint.trim()) };
  const inferred = inferKind(value);
  const kind = hinted ?? (inferred === undefined ? undefined : ({ kind: inferred } as HintKind));
  if (!kind) return { ok: false, reason: 'not an IP address, network, domain, URL, email address or hash' };
  const result = normalizeAs(kind, value, options);
  if (result.ok) return { ok: true, ioc: { ...result.ioc, original } };
  if (hinted && inferred !== undefined && inferred !== hinted.kind) {
    return { ok: false, reason: `type ${hint} does not match the value, which looks like ${KIND_WORDS[inferred]}` };
  }
  return result;
}

function unsupportedHintReason(hint: string): string {
  if (!hint.includes('|') || !hint.split('|').some((part) => resolveHint(part))) return `unsupported type ${hint}`;
  return `composite type ${hint} needs ${hint.split('|').length} values separated by "|"`;
}

function normalizeAs(hint: HintKind, value: string, options: NormalizeOptions): CanonicalResult {
  switch (hint.kind) {
    case 'ip':
      return normalizeIp(value, options, hint.family);
    case 'domain':
      return normalizeDomain(value);
    case 'url':
      return normalizeUrl(value, options);
    case 'email':
      return normalizeEmail(value);
    case 'hash':
      return normalizeHash(value, hint.algorithm);
  }
}

/** The kind a value looks like, from its shape alone; `undefined` if it looks like nothing. */
function inferKind(value: string): Kind | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'url';
  if (value.includes('@')) return 'email';
  if (/^(?:0x[0-9a-f]+|\d+)(?:\.(?:0x[0-9a-f]+|\d+))+(?:\/[^/]*|\/[\d/]+)?$/i.test(value)) return 'ip';
  if (/^\[?[0-9a-f]*:[0-9a-f]*:[0-9a-f:.]*\]?(?:%[^/\s]*)?(?:\/\d*)?$/i.test(value)) return 'ip';
  if (/^[0-9a-f]{16,}$/i.test(value)) return 'hash';
  if (/^[^\s/]+\.[^\s/]+\/\S*$/.test(value)) return 'url';
  if (value.includes('.')) return 'domain';
  return undefined;
}
