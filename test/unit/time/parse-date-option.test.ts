import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { parseDateOption } from '../../../src/core/time/parse-date-option.js';

const MODULE = new URL('../../../src/core/time/parse-date-option.ts', import.meta.url).href;
const VALUES = ['2021-01-01', '2024-02-29', '2021-06-30T12:00:00+02:00', '2021-06-30T12:00:00', '2021-06-30T12:00'];

/** parseDateOption's answers for VALUES in a fresh Node process whose local time zone is `tz`. */
function parseUnder(tz: string): { offsetMinutes: number; parsed: string[] } {
  const script = `
    const { parseDateOption } = await import(${JSON.stringify(MODULE)});
    const values = ${JSON.stringify(VALUES)};
    console.log(JSON.stringify({
      offsetMinutes: new Date('2021-01-01T00:00:00Z').getTimezoneOffset(),
      parsed: values.map((value) => parseDateOption(value, '--since')),
    }));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, TZ: tz },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (child.status !== 0) throw new Error(`child under TZ=${tz} failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { offsetMinutes: number; parsed: string[] };
}

describe('parseDateOption', () => {
  it('reads a date-only value as UTC midnight and keeps an explicit offset', () => {
    expect(parseDateOption('2021-01-01', '--since')).toBe('2021-01-01T00:00:00.000Z');
    expect(parseDateOption('2024-02-29', '--hunt-from')).toBe('2024-02-29T00:00:00.000Z');
    expect(parseDateOption('2021-06-30T12:00:00+02:00', '--since')).toBe('2021-06-30T10:00:00.000Z');
    expect(parseDateOption('2021-06-30T10:00:00Z', '--until')).toBe('2021-06-30T10:00:00.000Z');
  });

  it('refuses what is not a date, naming the flag and the value', () => {
    for (const bad of ['yesterday', '2021-13-01', '', '2021-02-30x']) {
      expect(() => parseDateOption(bad, '--since'), bad).toThrow(UsageError);
      expect(() => parseDateOption(bad, '--since'), bad).toThrow(`--since: "${bad}" is not a date (e.g. 2021-01-01)`);
    }
  });

  it('gives the same instants whatever the local time zone (Tokyo, Los Angeles, UTC)', () => {
    const tokyo = parseUnder('Asia/Tokyo');
    const losAngeles = parseUnder('America/Los_Angeles');
    const utc = parseUnder('UTC');
    // The children really ran in those zones.
    expect([tokyo.offsetMinutes, losAngeles.offsetMinutes, utc.offsetMinutes]).toEqual([-540, 480, 0]);
    expect(tokyo.parsed).toEqual(['2021-01-01T00:00:00.000Z', '2024-02-29T00:00:00.000Z', '2021-06-30T10:00:00.000Z', '2021-06-30T12:00:00.000Z', '2021-06-30T12:00:00.000Z']);
    expect(losAngeles.parsed).toEqual(tokyo.parsed);
    expect(utc.parsed).toEqual(tokyo.parsed);
  }, 60_000);
});
