import { describe, expect, it } from 'vitest';
import { buildBatch, type IocBatch } from '../../../src/core/hunt/plan-hunt.js';
import { splitBatch } from '../../../src/core/hunt/split-batch.js';
import { MD5, SHA256, deepFreeze, makeIoc } from './hunt-fixtures.js';

/** Every value of a batch, kind by kind. */
function valuesOf(batch: IocBatch): string[] {
  return [...batch.exactIps, ...batch.cidrs, ...Object.values(batch.values).flat()];
}

/**
 * Splits until no batch can shrink, as the hunt does when the cluster keeps refusing; fails
 * instead of hanging if splitting stops making progress.
 */
function splitAll(batch: IocBatch, depth = 0): IocBatch[] {
  if (depth > 32) throw new Error(`splitBatch still splitting ${batch.key} (${valuesOf(batch).length} values) after 32 levels`);
  const halves = splitBatch(batch);
  return halves ? halves.flatMap((half) => splitAll(half, depth + 1)) : [batch];
}

const MIXED = buildBatch('b0', [
  makeIoc('45.83.1.2'),
  makeIoc('91.243.44.11'),
  makeIoc('2001:67c:2e8:22::c100:68b'),
  makeIoc('185.220.101.0/24'),
  makeIoc('2a0d:5600:24::/48'),
  makeIoc('evil-c2.example'),
  makeIoc('update.evil-c2.example'),
  makeIoc('mx.evil-mail.example'),
  makeIoc('bücher-update.example'),
  makeIoc('hxxp://Malware.EXAMPLE/payload.bin'),
  makeIoc(SHA256),
  makeIoc(MD5),
  makeIoc('Phish@Evil-Mail.example'),
  makeIoc('invoice@evil-mail.example'),
]);

describe('splitBatch', () => {
  it('halves the values of all kinds together in batch order, the first half taking the odd value, keyed b0a and b0b', () => {
    // Batch order: exact IPs, CIDRs, then domain, url, hash, email. 14 values: 7 and 7.
    expect(MIXED.iocCount).toBe(14);
    const halves = splitBatch(MIXED);
    expect(halves).toEqual([
      {
        key: 'b0a',
        exactIps: ['2001:67c:2e8:22::c100:68b', '45.83.1.2', '91.243.44.11'],
        cidrs: ['185.220.101.0/24', '2a0d:5600:24::/48'],
        values: { domain: ['evil-c2.example', 'mx.evil-mail.example'] },
        subdomains: { registered: ['evil-c2.example'], suffixes: ['mx.evil-mail.example'] },
        iocCount: 7,
      },
      {
        key: 'b0b',
        exactIps: [],
        cidrs: [],
        values: {
          domain: ['update.evil-c2.example', 'xn--bcher-update-dlb.example'],
          url: ['http://malware.example/payload.bin'],
          hash: [SHA256, MD5],
          email: ['invoice@evil-mail.example', 'phish@evil-mail.example'],
        },
        subdomains: { registered: ['xn--bcher-update-dlb.example'], suffixes: ['update.evil-c2.example'] },
        iocCount: 7,
      },
    ]);
    // 7 values: the first half takes 4.
    expect(splitBatch(halves![1])).toEqual([
      {
        key: 'b0ba',
        exactIps: [],
        cidrs: [],
        values: { domain: ['update.evil-c2.example', 'xn--bcher-update-dlb.example'], url: ['http://malware.example/payload.bin'], hash: [SHA256] },
        subdomains: { registered: ['xn--bcher-update-dlb.example'], suffixes: ['update.evil-c2.example'] },
        iocCount: 4,
      },
      { key: 'b0bb', exactIps: [], cidrs: [], values: { hash: [MD5], email: ['invoice@evil-mail.example', 'phish@evil-mail.example'] }, iocCount: 3 },
    ]);
  });

  it('keeps a domain that matches subdomains doing so in its half, and one loaded exact without', () => {
    const batch = buildBatch('b0', [makeIoc('evil-c2.example', { exactDomains: true }), makeIoc('foo.github.io'), makeIoc('github.io', { hint: 'domain-name' })]);
    expect(batch.subdomains).toEqual({ registered: [], suffixes: ['foo.github.io'] });
    expect(splitBatch(batch)?.map((half) => half.subdomains)).toEqual([{ registered: [], suffixes: ['foo.github.io'] }, undefined]);
  });

  it('halves a batch of IPs only', () => {
    const batch = buildBatch('b3', ['45.83.1.2', '91.243.44.11', '5.188.86.172', '194.26.29.113'].map((ip) => makeIoc(ip)));
    expect(splitBatch(batch)).toEqual([
      { key: 'b3a', exactIps: ['194.26.29.113', '45.83.1.2'], cidrs: [], values: {}, iocCount: 2 },
      { key: 'b3b', exactIps: ['5.188.86.172', '91.243.44.11'], cidrs: [], values: {}, iocCount: 2 },
    ]);
  });

  it('appends to the key of a half when a half is split again', () => {
    const [first] = splitBatch(MIXED)!;
    expect(splitBatch(first)?.map((b) => b.key)).toEqual(['b0aa', 'b0ab']);
  });

  it('returns undefined for a batch of a single value, or of none', () => {
    expect(splitBatch(buildBatch('b0', [makeIoc('45.83.1.2')]))).toBeUndefined();
    expect(splitBatch(buildBatch('b1', [makeIoc('185.220.101.0/24')]))).toBeUndefined();
    expect(splitBatch(buildBatch('b2', [makeIoc(SHA256)]))).toBeUndefined();
    expect(splitBatch({ key: 'b3', exactIps: [], cidrs: [], values: {}, iocCount: 0 })).toBeUndefined();
  });

  it('splits a batch of one IP, one network and one domain into two non-empty halves', () => {
    const batch = buildBatch('b0', [makeIoc('45.83.1.2'), makeIoc('185.220.101.0/24'), makeIoc('evil-c2.example')]);
    const halves = splitBatch(batch);
    expect(halves?.map((b) => b.key)).toEqual(['b0a', 'b0b']);
    expect(halves?.map((b) => valuesOf(b).length).sort((x, y) => x - y)).toEqual([1, 2]);
    expect(halves?.flatMap(valuesOf).sort()).toEqual(['185.220.101.0/24', '45.83.1.2', 'evil-c2.example']);
  });

  it('terminates when a batch of IPs is split repeatedly, ending with one value per batch', () => {
    const ips = buildBatch('b0', ['45.83.1.2', '91.243.44.11', '5.188.86.172', '194.26.29.113', '193.29.56.12', '185.220.101.47', '2001:67c:2e8:22::c100:68b'].map((ip) => makeIoc(ip)));
    const ipLeaves = splitAll(ips);
    expect(ipLeaves.map(valuesOf)).toEqual(valuesOf(ips).map((ip) => [ip]));
    expect(ipLeaves.map((b) => b.iocCount)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('terminates when a batch of every kind is split repeatedly, ending with one value per batch', () => {
    const mixedLeaves = splitAll(MIXED);
    expect(mixedLeaves.map((b) => valuesOf(b).length)).toEqual(Array.from({ length: 14 }, () => 1));
    expect(mixedLeaves.flatMap(valuesOf).sort()).toEqual(valuesOf(MIXED).sort());
  });

  it('does not change the batch it splits', () => {
    const before = structuredClone(MIXED);
    splitBatch(deepFreeze(MIXED));
    expect(MIXED).toEqual(before);
  });
});
