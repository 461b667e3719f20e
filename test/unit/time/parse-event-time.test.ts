import { describe, expect, it } from 'vitest';
import { parseEventTime } from '../../../src/core/time/parse-event-time.js';

describe('parseEventTime', () => {
  it.each([
    ['2022-03-14T09:26:53.123Z', Date.UTC(2022, 2, 14, 9, 26, 53, 123)],
    ['2022-03-14T09:26:53Z', Date.UTC(2022, 2, 14, 9, 26, 53)],
    ['2022-03-14T09:26:53.123456789Z', Date.UTC(2022, 2, 14, 9, 26, 53, 123)],
    ['2022-03-31T23:59:59.999Z', Date.UTC(2022, 2, 31, 23, 59, 59, 999)],
    ['2024-02-29T12:00:00Z', Date.UTC(2024, 1, 29, 12)],
    ['2022-03-14T10:26:53.123+01:00', Date.UTC(2022, 2, 14, 9, 26, 53, 123)],
    ['2022-03-14 09:26:53', Date.UTC(2022, 2, 14, 9, 26, 53)],
    ['2022-03-14', Date.UTC(2022, 2, 14)],
    ['1647250013123', 1647250013123],
    [1647250013123, 1647250013123],
    [1647250013, 1647250013000],
  ])('reads %j', (timestamp, millis) => {
    expect(parseEventTime(timestamp)).toBe(millis);
  });

  it.each([undefined, null, '', 'yesterday', '2023-02-29T00:00:00Z', '2022-04-31T00:00:00Z', '2022-13-01T00:00:00Z', true, { date: '2022-03-14' }])(
    'rejects %j',
    (timestamp) => {
      expect(parseEventTime(timestamp)).toBeUndefined();
    },
  );
});
