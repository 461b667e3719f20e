import { describe, expect, it } from 'vitest';
import { buildIpPrefixTable, type IpPrefixEntry } from '../../../src/core/hunt/ip-prefix-table.js';
import { parseIocNetwork, parseIpKey } from '../../../src/core/hunt/parse-ip-key.js';

function entry(text: string): IpPrefixEntry<string> {
  const network = parseIocNetwork(text)!;
  return { key: network.key, length: network.length, item: text };
}

function lookup(table: ReturnType<typeof buildIpPrefixTable<string>>, address: string): string[] {
  const sink: string[] = [];
  table.lookup(parseIpKey(address)!, sink);
  return sink;
}

describe('buildIpPrefixTable', () => {
  it('finds an address in every network holding it, most specific first, in both families', () => {
    const table = buildIpPrefixTable(['45.83.0.0/16', '45.83.1.0/24', '45.83.1.7', '2001:db8::/32', '2001:db8:1::/48', '2001:db8:1::9'].map(entry));
    expect(lookup(table, '45.83.1.7')).toEqual(['45.83.1.7', '45.83.1.0/24', '45.83.0.0/16']);
    expect(lookup(table, '45.83.2.1')).toEqual(['45.83.0.0/16']);
    expect(lookup(table, '2001:db8:1::9')).toEqual(['2001:db8:1::9', '2001:db8:1::/48', '2001:db8::/32']);
    expect(lookup(table, '2001:db8:2::9')).toEqual(['2001:db8::/32']);
    expect(lookup(table, '2001:db9::9')).toEqual([]);
  });

  // A complexity guard, not a benchmark: keyed by BigInt, V8 hashed these by their low 64 bits
  // (all `::1`), and 100,000 of them took about 60 s to build on a 2-core machine.
  it('builds 100,000 IPv6 addresses that differ only above their low 64 bits without collisions', () => {
    const texts = Array.from({ length: 100_000 }, (_, i) => `2a00:${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}::1`);
    const started = performance.now();
    const table = buildIpPrefixTable(texts.map(entry));
    expect(performance.now() - started).toBeLessThan(10_000);
    for (const i of [0, 1, 65_535, 65_536, 99_999]) expect(lookup(table, texts[i]!)).toEqual([texts[i]]);
    expect(lookup(table, '2a00:2:0::1')).toEqual([]);
  });
});
