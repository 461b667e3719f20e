import { describe, expect, it } from 'vitest';
import { formatEventTime, parseEventTime } from '../../../src/core/time/parse-event-time.js';

/**
 * What OpenSearch 2.19 and Elasticsearch 8.19 index for a `date` field with the default format
 * `strict_date_optional_time||epoch_millis` (checked on both engines by
 * test/integration/hunt/event-times.test.ts, which hunts events in each of these forms).
 */
describe('parseEventTime', () => {
  it.each([
    ['2022-03-14T09:26:53.123Z', Date.UTC(2022, 2, 14, 9, 26, 53, 123)],
    ['2022-03-14T09:26:53Z', Date.UTC(2022, 2, 14, 9, 26, 53)],
    ['2022-03-14T09:26:53.123456789Z', Date.UTC(2022, 2, 14, 9, 26, 53, 123)],
    ['2022-03-14T09:26:53,5Z', Date.UTC(2022, 2, 14, 9, 26, 53, 500)],
    ['2022-03-31T23:59:59.999Z', Date.UTC(2022, 2, 31, 23, 59, 59, 999)],
    ['2024-02-29T12:00:00Z', Date.UTC(2024, 1, 29, 12)],
    ['2022-03-14T10:26:53.123+01:00', Date.UTC(2022, 2, 14, 9, 26, 53, 123)],
    ['2022-03-14T10:26:53.123+0100', Date.UTC(2022, 2, 14, 9, 26, 53, 123)],
    ['2022-03-14T04:26:53-05', Date.UTC(2022, 2, 14, 9, 26, 53)],
    // The forms of the issue: no zone is UTC, a date only is midnight UTC, epoch millis as text or number.
    ['2023-05-08T05:05:05.123+02:00', Date.UTC(2023, 4, 8, 3, 5, 5, 123)],
    ['2023-05-05T05:05:05', Date.UTC(2023, 4, 5, 5, 5, 5)],
    ['2023-05-05T05:05', Date.UTC(2023, 4, 5, 5, 5)],
    ['2023-05-05T05', Date.UTC(2023, 4, 5, 5)],
    ['2023-05-06', Date.UTC(2023, 4, 6)],
    ['2023-05', Date.UTC(2023, 4, 1)],
    ['2023', Date.UTC(2023, 0, 1)],
    ['1683500000000', 1683500000000],
    [1683400000000, 1683400000000],
    ['1683500000000.75', 1683500000000],
    ['-1000', -1000],
    // Epoch seconds are not a default format: the engines read them as milliseconds.
    [1647250013, 1647250013],
    ['1647250013', 1647250013],
    // A JSON number goes through its decimal text: four digits are a year, as the engines parse it.
    [2023, Date.UTC(2023, 0, 1)],
    [123, 123],
  ])('reads %j', (timestamp, millis) => {
    expect(parseEventTime(timestamp)).toBe(millis);
  });

  it.each([
    undefined,
    null,
    '',
    'yesterday',
    '2023-02-29T00:00:00Z',
    '2022-04-31T00:00:00Z',
    '2022-13-01T00:00:00Z',
    '2022-03-14T24:00:00Z',
    '2022-03-14 09:26:53', // a space is not strict_date_optional_time
    '22-03-14',
    '2022-3-14',
    '2022-03-14Z',
    '2022-03-14T09:26:53+25:00',
    '1e12',
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
    { date: '2022-03-14' },
  ])('refuses %j, as the engines do', (timestamp) => {
    expect(parseEventTime(timestamp)).toBeUndefined();
  });

  it('formats what it reads as ISO UTC with milliseconds', () => {
    expect(formatEventTime('2023-05-05T05:05:05')).toBe('2023-05-05T05:05:05.000Z');
    expect(formatEventTime(1683400000000)).toBe('2023-05-06T19:06:40.000Z');
    expect(formatEventTime('2023-05-06')).toBe('2023-05-06T00:00:00.000Z');
    expect(formatEventTime('nope')).toBeUndefined();
  });
});
