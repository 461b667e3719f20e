import { describe, expect, it } from 'vitest';
import { buildIocId } from '../../../src/core/ioc/ioc-id.js';
import type { ParseResult } from '../../../src/core/ioc/types.js';
import { feedNameFromSource, idKey, FeedGrouper } from '../../../src/core/ioc/feed-grouper.js';
import { timed } from './timed.js';

const result = (feedName: string | undefined, values: string[]): ParseResult => ({
  format: 'txt',
  ...(feedName ? { feedName } : {}),
  iocs: values.map((value, i) => ({ type: 'domain-name', value, original: value, location: { file: 'x', line: i + 1 } })),
  rejected: [{ location: { file: 'x', line: 99 }, value: '???', reason: 'no type fits' }],
  skipped: [{ reason: 'to_ids is false', count: 2 }],
  duplicates: [],
});

describe('FeedGrouper', () => {
  it('names feeds by --feed, else the source, else the file name, and dedupes within a feed', () => {
    const planner = new FeedGrouper();
    expect(planner.add({ name: '/feeds/apt31.txt', result: result(undefined, ['a.example', 'b.example']) }).fresh.map(([, i]) => i.value)).toEqual([
      'a.example',
      'b.example',
    ]);
    const second = planner.add({ name: '/feeds/apt31.txt', result: result(undefined, ['b.example', 'c.example']) });
    expect(second.fresh.map(([id]) => id)).toEqual([buildIocId('domain-name', 'c.example')]);
    planner.add({ name: 'misp/1.json', result: result('Event info', ['a.example']), feedHint: 'misp' });
    planner.add({ name: 'bulletin.csv', result: result('CERTFR-2021-IOC-003', ['a.example']) });
    expect([...planner.feeds.values()].map((f) => [f.name, f.ids.size, f.duplicates, f.sources])).toEqual([
      ['apt31', 3, 1, ['/feeds/apt31.txt']],
      ['misp', 1, 0, ['misp/1.json']],
      ['CERTFR-2021-IOC-003', 1, 0, ['bulletin.csv']],
    ]);
    expect(planner.rejected).toHaveLength(4);
    expect(planner.skippedCounts()).toEqual([{ reason: 'to_ids is false', count: 8 }]);

    const one = new FeedGrouper('my-feed');
    one.add({ name: 'a.txt', result: result('X', ['a.example']) });
    one.add({ name: 'b.txt', result: result('Y', ['a.example']) });
    expect([...one.feeds.keys()]).toEqual(['my-feed']);
  });

  it('derives a feed name from a path or URL', () => {
    expect(['/x/CERTFR-2021-IOC-003-IOC.csv', 'https://h/feeds/list.txt?x=1', 'plain', '-'].map(feedNameFromSource)).toEqual([
      'CERTFR-2021-IOC-003-IOC',
      'list',
      'plain',
      '-',
    ]);
  });

  // The old trailing-slash pattern restarted at every slash of a run: 20,000 slashes took 0.2 s.
  it('derives a feed name from a source name with long runs of slashes and query marks in linear time', () => {
    const { result, ms } = timed(() => [`/x/${'/'.repeat(100_000)}feed.txt`, `list.txt${'?'.repeat(100_000)}\n`].map(feedNameFromSource));
    expect(result).toEqual(['feed', 'list']);
    expect(ms).toBeLessThan(200);
  });

  it('keys ids by their first 64 bits, surrogate code units included', () => {
    const ids = ['d800', 'dfff', 'ffff', '0000'].map((head) => `${head}${'0'.repeat(12)}${'a'.repeat(48)}`);
    const keys = ids.map(idKey);
    expect(keys.map((k) => k.length)).toEqual([4, 4, 4, 4]);
    expect(new Set(keys).size).toBe(4);
    expect(idKey(`${'d800'}${'0'.repeat(12)}${'b'.repeat(48)}`)).toBe(keys[0]); // only the first 16 hex digits count
    expect(idKey(`0000000000000001${'a'.repeat(48)}`)).not.toBe(keys[3]);
  });
});
