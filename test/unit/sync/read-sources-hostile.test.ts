import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceError } from '../../../src/errors.js';
import { decodeSource } from '../../../src/io/sync/decode-source.js';
import { readSources } from '../../../src/io/sync/read-sources.js';
import { useTempFiles } from '../../helpers/temp-files.js';

const { dir, file } = useTempFiles('read-sources-hostile');
const UUID = '5f1c7c80-0000-4000-8000-000000000001';

function feedDirectory(name: string): string {
  const feed = join(dir, name);
  mkdirSync(feed);
  writeFileSync(join(feed, 'manifest.json'), JSON.stringify({ [UUID]: { info: 'x' } }));
  return feed;
}

describe('reading hostile sources (issue 12, defects 7 and 9)', () => {
  it('a directory where a feed event file should be is one SourceError line, not EISDIR', async () => {
    const feed = feedDirectory('with-dir');
    mkdirSync(join(feed, `${UUID}.json`));
    await expect(readSources([feed])).rejects.toThrow(new SourceError(`${join(feed, `${UUID}.json`)}: not a regular file`));
  });

  it('a symbolic link out of a MISP feed directory is refused without reading its target', async () => {
    const feed = feedDirectory('with-link');
    const secret = file('outside-secret.json', '{"password": "0utsideSecret"}');
    symlinkSync(secret, join(feed, `${UUID}.json`));
    const read = readSources([feed]);
    await expect(read).rejects.toBeInstanceOf(SourceError);
    await expect(read).rejects.toThrow(/a symbolic link out of the feed directory: refused/);
    await expect(read).rejects.not.toThrow(/0utsideSecret/);
  });

  it('a symbolic link inside the feed directory is read', async () => {
    const feed = feedDirectory('inner-link');
    writeFileSync(join(feed, 'event-data'), JSON.stringify({ Event: { info: 'e', Attribute: [] } }));
    symlinkSync(join(feed, 'event-data'), join(feed, `${UUID}.json`));
    const [text] = await readSources([feed]);
    expect(JSON.parse(text!.text)).toMatchObject({ Event: { info: 'e' } });
  });

  it('UTF-16 with a byte-order mark is decoded, both byte orders', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('198.51.100.7\r\nevil.example\r\n', 'utf16le')]);
    const be = Buffer.from(le.subarray(2)).swap16();
    const [fromLe, fromBe] = await readSources([file('le.txt', le as unknown as string), file('be.txt', Buffer.concat([Buffer.from([0xfe, 0xff]), be]) as unknown as string)]);
    expect(fromLe!.text).toBe('198.51.100.7\r\nevil.example\r\n');
    expect(fromBe!.text).toBe('198.51.100.7\r\nevil.example\r\n');
  });

  it('NUL bytes without a byte-order mark are refused in one line, not read as 0 accepted', () => {
    const bomless = Buffer.from('198.51.100.7\n', 'utf16le');
    expect(() => decodeSource(bomless, 'list.txt')).toThrow(
      new SourceError('list.txt: holds NUL bytes (UTF-16 without a byte-order mark, or a binary file): save it as UTF-8'),
    );
  });

  it('a UTF-8 byte-order mark is dropped', () => {
    expect(decodeSource(Buffer.from('\uFEFFvalue\n'), 'x')).toBe('value\n');
  });
});
