import { describe, expect, it } from 'vitest';
import { chunkIndexList, chunkScanList, describeIndices, everyIndexPath, MAX_INDEX_PATH_BYTES, scanShardBudget } from '../../../src/io/engine/index-lists.js';

describe('index lists in request paths (issue 13, item 1)', () => {
  const names = Array.from({ length: 5_000 }, (_, i) => `logs-windows-security-auditing-domain-controllers-${String(i).padStart(6, '0')}`);

  it('cuts 5,000 long names into lists whose encoded path fits, keeping every name once, in order', () => {
    const chunks = chunkIndexList(names);
    expect(chunks.length).toBeGreaterThan(100);
    for (const chunk of chunks) expect(chunk.split(',').map(encodeURIComponent).join(',').length).toBeLessThanOrEqual(MAX_INDEX_PATH_BYTES);
    expect(chunks.flatMap((chunk) => chunk.split(','))).toEqual(names);
  });

  it('counts the encoded length: names with characters a URL escapes take more room', () => {
    const odd = Array.from({ length: 100 }, (_, i) => `logs+été-${i}`);
    for (const chunk of chunkIndexList(odd, 200)) expect(chunk.split(',').map(encodeURIComponent).join(',').length).toBeLessThanOrEqual(200);
  });

  it('leaves a short list whole, and gives nothing for nothing', () => {
    expect(chunkIndexList('a,b,c')).toEqual(['a,b,c']);
    expect(chunkIndexList([])).toEqual([]);
  });

  it('cuts a scan list by shards too: no part holds more than the budget, every name once, in order', () => {
    const short = Array.from({ length: 300 }, (_, i) => `l-${i}`);
    const shards = (name: string): number => (Number(name.slice(2)) % 3 === 0 ? 5 : 1);
    const parts = chunkScanList(short.join(','), shards, scanShardBudget(500));
    expect(parts.flatMap((part) => part.split(','))).toEqual(short);
    for (const part of parts) expect(part.split(',').reduce((sum, name) => sum + shards(name), 0)).toBeLessThanOrEqual(125);
    // 300 short names fit one path; 700 shards do not fit one budget of 125.
    expect(chunkIndexList(short)).toHaveLength(1);
    expect(parts.length).toBe(Math.ceil(700 / 125));
  });

  it('keeps the path limit in a scan list, and an index over the budget in a part of its own', () => {
    for (const part of chunkScanList(names.join(','), () => 1, 10_000)) expect(part.split(',').map(encodeURIComponent).join(',').length).toBeLessThanOrEqual(MAX_INDEX_PATH_BYTES);
    expect(chunkScanList('a,big,b', (name) => (name === 'big' ? 900 : 1), 125)).toEqual(['a', 'big', 'b']);
    expect(scanShardBudget(40)).toBe(10);
    expect(scanShardBudget(2)).toBe(1);
  });

  it('names a long list in a message by its first names and a count', () => {
    expect(describeIndices(names.slice(0, 2).join(','))).toBe(names.slice(0, 2).join(','));
    expect(describeIndices(names.join(','))).toBe(`${names.slice(0, 3).join(',')} (and 4997 more)`);
  });

  it('names every index of the local cluster and of each remote cluster a list holds, for a list filtered on _index', () => {
    expect(everyIndexPath('logs-a,logs-b')).toBe('*');
    expect(everyIndexPath('eu:logs-a,logs-b,eu:logs-c,us-east:logs-d')).toBe('*,eu%3A*,us-east%3A*');
  });
});
