import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { syncIocs } from '../../../src/io/sync/sync-iocs.js';
import { useTempFiles } from '../../helpers/temp-files.js';

const { file } = useTempFiles('chunks');

/** A CSV with accepted rows, rejected rows and a duplicate spread over its whole length. */
const CSV = [
  'type,value,description',
  ...Array.from({ length: 40 }, (_, i) => {
    if (i % 9 === 4) return `ip-dst,999.1.1.${i},bad address`;
    if (i === 33) return 'domain,evil-3.example,repeat of line 6';
    return i % 2 === 0 ? `ip-dst,45.83.${i}.1,relay` : `domain,evil-${i}.example,"multi\nline"`;
  }),
].join('\n');

describe('sync of a source parsed in chunks', () => {
  it('reports the same IOCs, rejected lines and duplicates as parsing it whole', async () => {
    const path = file('spread.csv', CSV);
    const whole = await syncIocs(undefined, { sources: [path], dryRun: true, feed: 'f' });
    expect(whole.totals.rejected).toBe(4);
    expect(whole.feeds[0]!.duplicates).toBe(1);
    for (const chunkLines of [1, 2, 7]) {
      const chunked = await syncIocs(undefined, { sources: [path], dryRun: true, feed: 'f', chunkLines });
      expect(chunked.rejected).toEqual(whole.rejected);
      expect(chunked.feeds).toEqual(whole.feeds);
    }
    // Line numbers are the file's: row i sits on line 2 + i plus the earlier rows' extra lines.
    expect(whole.rejected.map((r) => r.location.line)).toEqual([8, 21, 34, 47]);
  });

  it('names the line of the whole file when a later chunk is malformed', async () => {
    const lines = ['type,value', ...Array.from({ length: 30 }, (_, i) => `ip-dst,45.83.0.${i + 1}`), 'ip-dst,"unclosed'];
    const path = file('broken.csv', lines.join('\n'));
    const error = await syncIocs(undefined, { sources: [path], dryRun: true, chunkLines: 4 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).location.line).toBe(32);
    expect((error as InputError).message).toContain('line 32');
  });
});
