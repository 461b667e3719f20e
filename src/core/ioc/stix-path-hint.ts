/** What a STIX object path tells about the value compared with it. */
export interface StixPathHint {
  /** Type hint for `normalizeIndicator`; `undefined` = infer (a reference can be an IP or a domain). */
  hint?: string;
  /** True when `ISSUBSET` (value is a CIDR the address falls in) makes sense for this path. */
  ip: boolean;
}

const HASH_HINTS: Readonly<Record<string, string>> = { md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha512: 'sha512' };

const PATHS: Readonly<Record<string, StixPathHint>> = {
  'ipv4-addr:value': { hint: 'ipv4-addr', ip: true },
  'ipv6-addr:value': { hint: 'ipv6-addr', ip: true },
  'domain-name:value': { hint: 'domain-name', ip: false },
  'url:value': { hint: 'url', ip: false },
  'email-addr:value': { hint: 'email-addr', ip: false },
  'email-message:from_ref.value': { hint: 'email-addr', ip: false },
  'email-message:sender_ref.value': { hint: 'email-addr', ip: false },
  'email-message:to_refs[*].value': { hint: 'email-addr', ip: false },
  'network-traffic:dst_ref.value': { ip: true },
  'network-traffic:src_ref.value': { ip: true },
};

/**
 * Maps a STIX object path to the IOC it denotes, or `undefined` for paths iochunt does not
 * match (`file:name`, `process:command_line`, `windows-registry-key:key`...). Hash keys are
 * accepted quoted or not and with or without the hyphen (`file:hashes.'SHA-256'`,
 * `file:hashes.SHA256`), since producers disagree.
 */
export function stixPathHint(path: string): StixPathHint | undefined {
  const canonical = path.replace(/'((?:[^'\\]|\\.)*)'/g, '$1').toLowerCase();
  const hash = /^(?:file|artifact):hashes\.(.+)$/.exec(canonical);
  if (hash) {
    const hint = HASH_HINTS[(hash[1] ?? '').replace(/-/g, '')];
    return hint === undefined ? undefined : { hint, ip: false };
  }
  return Object.hasOwn(PATHS, canonical) ? PATHS[canonical] : undefined;
}
