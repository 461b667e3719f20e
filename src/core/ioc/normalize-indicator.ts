import { codePointName, findControlCharacter } from './control-character.js';
import { printableExcerpt } from './excerpt.js';
import { MAX_VALUE_LENGTH } from './limits.js';
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

/** A URL: a scheme, then `://`. */
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/** Dotted numbers, decimal or hex (`1.2.3.4`, `0x7f.1`), perhaps with a prefix: an IPv4 attempt to reject with a reason. */
const IPV4_LIKE = /^(?:0x[0-9a-f]+|\d+)(?:\.(?:0x[0-9a-f]+|\d+))+(?:\/[^/]*|\/[\d/]+)?$/i;
/** Hex groups with at least two colons, perhaps bracketed, with a zone or a prefix: an IPv6 attempt. */
const IPV6_LIKE = /^\[?[0-9a-f]*:[0-9a-f]*:[0-9a-f:.]*\]?(?:%[^/\s]*)?(?:\/\d*)?$/i;
const HEX = /^[0-9a-f]{16,}$/i;

/**
 * Turns one value as written in a source into a canonical IOC, or says why it cannot be one.
 *
 * Steps: trim; refuse a value longer than {@link MAX_VALUE_LENGTH} or holding a control
 * character (U+0000-U+001F, U+007F-U+009F), before any refanging or pattern, so a hostile
 * line costs no more than its length; refang (`hxxp`, `[.]`, `(.)`, `[dot]`, `[:]`, `[@]`,
 * `。`...); then the rules of the value's kind (see `normalizeIp`, `normalizeDomain`,
 * `normalizeUrl`, `normalizeHash`, `normalizeEmail`). `original` keeps the trimmed,
 * still-defanged text.
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
  const refused = refusedShape(original);
  if (refused !== undefined) return { ok: false, reason: refused };
  const value = refang(original);
  const hintText = hint?.trim() ?? '';
  const hinted = hintText === '' ? undefined : resolveHint(hintText);
  if (hintText !== '' && !hinted) return { ok: false, reason: unsupportedHintReason(hintText) };
  const inferred = inferKind(value);
  const kind = hinted ?? (inferred === undefined ? undefined : ({ kind: inferred } as HintKind));
  if (!kind) return { ok: false, reason: 'not an IP address, network, domain, URL, email address or hash' };
  const result = normalizeAs(kind, value, options);
  if (result.ok) return { ok: true, ioc: { ...result.ioc, original } };
  if (hinted && inferred !== undefined && inferred !== hinted.kind) {
    return { ok: false, reason: `type ${hintText} does not match the value, which looks like ${KIND_WORDS[inferred]}` };
  }
  return result;
}

/** Why a trimmed value cannot be an IOC of any kind, whatever it looks like; `undefined` if it may be one. */
function refusedShape(value: string): string | undefined {
  if (value === '') return 'empty value';
  if (value.length > MAX_VALUE_LENGTH) return `value longer than ${MAX_VALUE_LENGTH} characters`;
  const control = findControlCharacter(value);
  return control === undefined ? undefined : `control character ${codePointName(control)} in value`;
}

function unsupportedHintReason(hint: string): string {
  if (!hint.includes('|') || !hint.split('|').some((part) => resolveHint(part))) return `unsupported type ${printableExcerpt(hint)}`;
  return `composite type ${printableExcerpt(hint)} needs ${hint.split('|').length} values separated by "|"`;
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

/**
 * The kind a value looks like, from its shape alone; `undefined` if it looks like nothing.
 * Every pattern here backtracks at most once per character (each repeated part ends at a
 * character the next part cannot start with).
 */
function inferKind(value: string): Kind | undefined {
  if (SCHEME.test(value)) return 'url';
  if (value.includes('@')) return 'email';
  if (IPV4_LIKE.test(value) || IPV6_LIKE.test(value)) return 'ip';
  if (HEX.test(value)) return 'hash';
  if (looksLikeSchemelessUrl(value)) return 'url';
  if (value.includes('.')) return 'domain';
  return undefined;
}

/**
 * `host.example/path` without whitespace: a dot inside the text before the first `/`.
 * Not the pattern `^[^\s/]+\.[^\s/]+\/\S*$`, which retries the part after every dot of the
 * host: quadratic on `a.a.a.a...`.
 */
function looksLikeSchemelessUrl(value: string): boolean {
  const slash = value.indexOf('/');
  return slash > 0 && value.lastIndexOf('.', slash - 2) > 0 && !/\s/.test(value);
}
