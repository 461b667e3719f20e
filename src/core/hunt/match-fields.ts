import type { IocType } from '../ioc/types.js';

/** What an event field is compared as: one per family of IOC types (README "Matching"). */
export type MatchKind = 'ip' | 'domain' | 'url' | 'hash' | 'email';

/** The kinds in a fixed order: the matcher reports matches kind by kind in this order. */
export const MATCH_KINDS: readonly MatchKind[] = Object.freeze(['ip', 'domain', 'url', 'hash', 'email'] as const);

/** Event fields to compare, per kind, in the order matches are reported. */
export type MatchFields = Readonly<Record<MatchKind, readonly string[]>>;

const HASH_ALGORITHMS = ['md5', 'sha1', 'sha256', 'sha512'] as const;

/**
 * The field table of README "Matching": the ECS fields each kind of IOC is looked for in. Frozen, because
 * it is shared by every hunt in the process; extend it with {@link mergeMatchFields}.
 *
 * `file.hash.*`, `process.hash.*` and `dll.hash.*` are spelled out per algorithm: a `terms`
 * query needs concrete field names, and a hash can only match the field of its own length.
 */
export const DEFAULT_MATCH_FIELDS: MatchFields = Object.freeze({
  ip: freeze([
    'source.ip',
    'destination.ip',
    'client.ip',
    'server.ip',
    'host.ip',
    'related.ip',
    'source.nat.ip',
    'destination.nat.ip',
  ]),
  domain: freeze([
    'dns.question.name',
    'url.domain',
    'destination.domain',
    'source.domain',
    'server.domain',
    'client.domain',
    'related.hosts',
    'tls.client.server_name',
  ]),
  url: freeze(['url.full', 'url.original']),
  hash: freeze([
    ...['file', 'process', 'dll'].flatMap((object) => HASH_ALGORITHMS.map((algorithm) => `${object}.hash.${algorithm}`)),
    'related.hash',
  ]),
  email: freeze(['email.from.address', 'email.to.address', 'email.sender.address', 'user.email']),
});

function freeze(fields: string[]): readonly string[] {
  return Object.freeze(fields);
}

const KIND_OF_TYPE: Readonly<Record<IocType, MatchKind>> = {
  'ipv4-addr': 'ip',
  'ipv6-addr': 'ip',
  'domain-name': 'domain',
  url: 'url',
  file: 'hash',
  'email-addr': 'email',
};

/**
 * The kind of event field an IOC type is compared with. IPv4 and IPv6 share `ip`: an event
 * field holds either family, and IPv4-mapped IPv6 values are IPv4 addresses.
 */
export function matchKindOf(type: IocType): MatchKind {
  return KIND_OF_TYPE[type];
}

/**
 * The field table with the config file's extra fields appended per kind: defaults first,
 * then the extras in their order, each field once. Returns fresh arrays; neither input is
 * changed. Extras cannot remove a default field (README "Matching": the config file's fields extend the table).
 */
export function mergeMatchFields(
  defaults: MatchFields,
  extra: Partial<Record<MatchKind, readonly string[]>> = {},
): Record<MatchKind, string[]> {
  const merged = {} as Record<MatchKind, string[]>;
  for (const kind of MATCH_KINDS) {
    merged[kind] = [...new Set([...defaults[kind], ...(extra[kind] ?? [])])];
  }
  return merged;
}
