import { domainToASCII } from 'node:url';
import { printableExcerpt } from './excerpt.js';
import { MAX_DOMAIN_INPUT_LENGTH } from './limits.js';
import type { CanonicalResult } from './types.js';

/**
 * Characters that cannot be in a host name. Checked before `domainToASCII`, which would
 * otherwise percent-decode (`ex%41mple.com` -> `example.com`) or silently return "".
 */
const FORBIDDEN = /[\s/\\:@?#%[\]<>"'`|^{}*,;=+!$&()~]/u;

/** Letters, digits, `-` and `_` (DNS allows `_`, and it appears in real C2 names); no edge hyphen. */
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * Canonicalises a domain name: lower-case, one trailing dot removed, IDN converted to
 * punycode (`bücher.example` -> `xn--bcher-kva.example`), then validated: labels of 1-63
 * characters, at most 253 in total, at least two labels, a top-level label that is not
 * all-numeric (otherwise `1.2.3.4` would be a "domain").
 *
 * Pitfall: no public-suffix check, so a file name such as `invoice.pdf` is a valid domain
 * when no type hint says otherwise.
 */
export function normalizeDomain(text: string): CanonicalResult {
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  if (name === '') return { ok: false, reason: 'empty domain' };
  // Before the IDN conversion, whose punycode step is quadratic in a label's length.
  if (name.length > MAX_DOMAIN_INPUT_LENGTH) return { ok: false, reason: 'domain longer than 253 characters' };
  if (name.startsWith('*.')) return { ok: false, reason: 'wildcard domains (*.) are not supported: list the domain itself' };
  const forbidden = FORBIDDEN.exec(name);
  if (forbidden) return { ok: false, reason: `invalid character "${printableExcerpt(forbidden[0])}" in domain` };
  const labels = name.toLowerCase().split('.');
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return { ok: false, reason: 'top-level domain is all-numeric' };
  const ascii = domainToASCII(name);
  if (ascii === '') return { ok: false, reason: 'invalid internationalised domain name' };
  return validateAscii(ascii.endsWith('.') ? ascii.slice(0, -1) : ascii);
}

function validateAscii(ascii: string): CanonicalResult {
  if (ascii.length > 253) return { ok: false, reason: 'domain longer than 253 characters' };
  const labels = ascii.split('.');
  if (labels.length < 2) return { ok: false, reason: 'domain without a dot (a single label is not a public name)' };
  for (const label of labels) {
    if (label === '') return { ok: false, reason: 'empty label in domain (consecutive dots)' };
    if (label.length > 63) return { ok: false, reason: 'domain label longer than 63 characters' };
    if (!LABEL.test(label)) return { ok: false, reason: `invalid domain label "${label}"` };
  }
  const tld = labels[labels.length - 1] ?? '';
  // Checked again after conversion: the WHATWG host parser turns `0..` into `0.0.0.0`.
  if (/^\d+$/.test(tld)) return { ok: false, reason: 'top-level domain is all-numeric' };
  if (tld.includes('_')) return { ok: false, reason: 'invalid top-level domain' };
  return { ok: true, ioc: { type: 'domain-name', value: ascii } };
}
