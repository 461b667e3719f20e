import { describe, expect, it } from 'vitest';
import { normalizeConfidence } from '../../../src/core/ioc/normalize-confidence.js';
import { normalizeTimestamp } from '../../../src/core/ioc/normalize-timestamp.js';
import { normalizeTlp } from '../../../src/core/ioc/normalize-tlp.js';
import { tlpFromTags } from '../../../src/core/ioc/tlp-from-tags.js';

describe('normalizeTimestamp', () => {
  it.each([
    ['2021-07-20', '2021-07-20T00:00:00.000Z'],
    ['2021-07-20T10:15', '2021-07-20T10:15:00.000Z'],
    ['2021-07-20 10:15:30', '2021-07-20T10:15:30.000Z'],
    ['2021-07-20T10:15:30.123456+02:00', '2021-07-20T08:15:30.123Z'],
    ['2021-07-20T10:15:30+0200', '2021-07-20T08:15:30.000Z'],
    ['2021-07-20T10:15:30Z', '2021-07-20T10:15:30.000Z'],
    ['1626775200', '2021-07-20T10:00:00.000Z'],
    ['1626775200000', '2021-07-20T10:00:00.000Z'],
  ])('reads %s as %s', (raw, iso) => {
    expect(normalizeTimestamp(raw, 'first_seen')).toEqual({ ok: true, value: iso });
  });

  it('reads a date-time without offset as UTC whatever the host zone', () => {
    expect(normalizeTimestamp('2021-01-01T00:00', 'x')).toEqual({ ok: true, value: '2021-01-01T00:00:00.000Z' });
  });

  it('reads a bare date as the end of that day when asked (valid_until)', () => {
    expect(normalizeTimestamp('2021-12-31', 'valid_until', 'end')).toEqual({ ok: true, value: '2021-12-31T23:59:59.999Z' });
  });

  it.each([undefined, null, '', '  '])('treats %j as absent', (raw) => {
    expect(normalizeTimestamp(raw, 'first_seen')).toEqual({ ok: true });
  });

  it.each(['yesterday', '2021-02-30', '2021-13-01', '20/07/2021', '2021-07-20T25:00'])('rejects %s naming the field', (raw) => {
    expect(normalizeTimestamp(raw, 'valid_until')).toEqual({ ok: false, reason: `invalid valid_until ${JSON.stringify(raw)}` });
  });

  // JSON.stringify leaves U+2028 and U+2029 raw, and they break lines in logs and editors (found by npm run fuzz).
  it('escapes line and paragraph separators in the quoted value', () => {
    expect(normalizeTimestamp('a\u2028b\u2029c', 'first_seen')).toEqual({ ok: false, reason: 'invalid first_seen "a\\u2028b\\u2029c"' });
  });

  it('quotes at most 64 characters of an invalid value, so the reason stays short', () => {
    expect(normalizeTimestamp(`2021-07-20${'x'.repeat(1_000_000)}`, 'first_seen')).toEqual({
      ok: false,
      reason: `invalid first_seen "2021-07-20${'x'.repeat(54)}…"`,
    });
  });
});

describe('normalizeConfidence', () => {
  it.each([
    [85, 85],
    ['0', 0],
    [' 100 ', 100],
  ])('reads %j as %i', (raw, value) => {
    expect(normalizeConfidence(raw)).toEqual({ ok: true, value });
  });

  it.each(['high', 0.8, 101, -1, '5%'])('rejects %j', (raw) => {
    expect(normalizeConfidence(raw)).toEqual({ ok: false, reason: `invalid confidence ${JSON.stringify(String(raw))} (expected 0-100)` });
  });

  it('treats blank as absent', () => {
    expect(normalizeConfidence('')).toEqual({ ok: true });
  });
});

describe('normalizeTlp and tlpFromTags', () => {
  it.each([
    ['white', 'WHITE'],
    ['TLP:CLEAR', 'CLEAR'],
    ['tlp:amber+strict', 'AMBER+STRICT'],
    [' Green ', 'GREEN'],
    ['orange', undefined],
    [undefined, undefined],
  ])('reads %j as %j', (raw, level) => {
    expect(normalizeTlp(raw)).toBe(level);
  });

  it('finds MISP and CERT-FR TLP tags and keeps the most restrictive', () => {
    expect(tlpFromTags(['misp-galaxy:x="y"', 'tlp:green'])).toBe('GREEN');
    expect(tlpFromTags(['cossi:TLP="white"'])).toBe('WHITE');
    expect(tlpFromTags(['tlp:red', 'tlp:amber', 'tlp:clear'])).toBe('RED');
    expect(tlpFromTags(['tlp:unknown', 'apt'])).toBeUndefined();
  });
});
