import { maskIpKey, type IpKey } from './parse-ip-key.js';

/** Addresses and networks to look addresses up in. */
export interface IpPrefixTable<T> {
  /**
   * Appends to `sink` the items of every network containing `key` (a single address is a
   * /32 or /128 network), most specific first. Exact, and one map lookup per distinct
   * prefix length of `key`'s family, however many networks there are.
   */
  lookup(key: IpKey, sink: T[]): void;
}

interface Level<T> {
  length: number;
  networks: Map<number | string, T[]>;
}

/**
 * The map key of a network address: the number of an IPv4 address, the hex text of an IPv6
 * one. Pitfall: V8 hashes a BigInt by its lowest 64 bits only, so IPv6 networks keyed as
 * BigInts (`2a00:1::1`, `2a00:2::1`, ... all end in the same bits) collide and a map of
 * 100,000 of them takes half a minute to build; their text hashes whole.
 */
function tableKey(network: IpKey): number | string {
  return typeof network === 'number' ? network : network.toString(16);
}

/** One entry of the table: an item under the network `key/length` (`key` already masked). */
export interface IpPrefixEntry<T> {
  key: IpKey;
  length: number;
  item: T;
}

/**
 * Indexes items by network: `Map<prefix length, Map<network address, items>>`, one per
 * family. Looking up an address masks it once per prefix length present, so nested
 * networks (a /16 and a /24 inside it, and an address inside both) all match, and the cost
 * does not grow with the number of IOCs. Items keep their input order within a network.
 */
export function buildIpPrefixTable<T>(entries: readonly IpPrefixEntry<T>[]): IpPrefixTable<T> {
  const v4 = new Map<number, Level<T>>();
  const v6 = new Map<number, Level<T>>();
  for (const { key, length, item } of entries) {
    const levels = typeof key === 'number' ? v4 : v6;
    let level = levels.get(length);
    if (!level) {
      level = { length, networks: new Map() };
      levels.set(length, level);
    }
    const network = tableKey(maskIpKey(key, length));
    const items = level.networks.get(network);
    if (items) items.push(item);
    else level.networks.set(network, [item]);
  }
  const v4Levels = mostSpecificFirst(v4);
  const v6Levels = mostSpecificFirst(v6);
  return {
    lookup(key, sink) {
      const levels = typeof key === 'number' ? v4Levels : v6Levels;
      for (const level of levels) {
        const items = level.networks.get(tableKey(maskIpKey(key, level.length)));
        if (items) for (const item of items) sink.push(item);
      }
    },
  };
}

function mostSpecificFirst<T>(levels: Map<number, Level<T>>): Level<T>[] {
  return [...levels.values()].sort((a, b) => b.length - a.length);
}
