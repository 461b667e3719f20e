import { printableExcerpt } from './excerpt.js';
import { normalizeDomain } from './normalize-domain.js';
import { normalizeIp } from './normalize-ip.js';
import type { CanonicalResult, NormalizeOptions } from './types.js';

const SCHEMES = new Set(['http', 'https', 'ftp']);

/** scheme `://` authority, then path/query/fragment kept byte for byte. */
const URL_PARTS = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/is;

type Host = { ok: true; host: string } | { ok: false; reason: string };

/**
 * Canonicalises a URL: lower-case scheme and host (IDN host -> punycode, IP host ->
 * canonical IP, IPv6 in brackets); user info, port, path, query and fragment are kept
 * exactly as written, because the path is case-sensitive and logs record it as sent.
 * Only `http`, `https` and `ftp` are accepted; a URL without a scheme is rejected rather
 * than guessed (`http://` or `https://` would match different events).
 * Hosts that are private IPs are rejected like bare IPs unless `allowPrivate`.
 */
export function normalizeUrl(text: string, options: NormalizeOptions = {}): CanonicalResult {
  if (/\s/.test(text)) return { ok: false, reason: 'URL contains whitespace' };
  const parts = URL_PARTS.exec(text);
  if (!parts) {
    return /^[a-z][a-z0-9+.-]*:/i.test(text)
      ? { ok: false, reason: 'malformed URL: expected scheme://host/...' }
      : { ok: false, reason: 'URL without a scheme (http://, https:// or ftp://)' };
  }
  const [, schemeText = '', authority = '', rest = ''] = parts;
  const scheme = schemeText.toLowerCase();
  if (!SCHEMES.has(scheme)) return { ok: false, reason: `unsupported URL scheme "${printableExcerpt(scheme)}" (http, https or ftp)` };
  const at = authority.lastIndexOf('@');
  const userInfo = at < 0 ? '' : authority.slice(0, at + 1);
  const hostPort = splitHostPort(authority.slice(at + 1));
  if (!hostPort.ok) return hostPort;
  const host = normalizeHost(hostPort.host, options);
  if (!host.ok) return host;
  return { ok: true, ioc: { type: 'url', value: `${scheme}://${userInfo}${host.host}${hostPort.port}${rest}` } };
}

function splitHostPort(hostPort: string): { ok: true; host: string; port: string } | { ok: false; reason: string } {
  const match = /^(\[[^\]]*\]|[^:]*)(:.*)?$/.exec(hostPort);
  const host = match?.[1] ?? '';
  const port = match?.[2] ?? '';
  if (host === '') return { ok: false, reason: 'URL without a host' };
  if (port !== '' && !(/^:\d{1,5}$/.test(port) && Number(port.slice(1)) <= 65535)) {
    return { ok: false, reason: `malformed URL port "${printableExcerpt(port.slice(1))}"` };
  }
  return { ok: true, host, port };
}

function normalizeHost(host: string, options: NormalizeOptions): Host {
  const isIp = host.startsWith('[') || /^[\d.]+$/.test(host);
  const result = isIp ? normalizeIp(host, options) : normalizeDomain(host);
  if (!result.ok) return { ok: false, reason: `URL host: ${result.reason}` };
  if (result.ioc.cidr) return { ok: false, reason: 'URL host: a network is not a host' };
  return { ok: true, host: result.ioc.type === 'ipv6-addr' ? `[${result.ioc.value}]` : result.ioc.value };
}
