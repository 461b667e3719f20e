import { describe, expect, it } from 'vitest';
import { generateSampleEvents, plantedEvents, type SampleEventsOptions } from '../../../src/core/demo/generate-sample-events.js';

const options: SampleEventsOptions = {
  from: '2020-01-01T00:00:00.000Z',
  until: '2026-01-01T00:00:00.000Z',
  count: 2000,
  seed: 7,
  plants: [
    { value: '45.83.1.2', kind: 'ip', field: 'destination.ip', at: '2021-03-04T05:06:07.000Z' },
    { value: '45.83.1.2', kind: 'ip', field: 'related.ip', at: '2020-06-01T00:00:00.000Z' },
    { value: 'evil-update.com', kind: 'domain', field: 'dns.question.name' },
  ],
};

describe('generateSampleEvents', () => {
  it('yields the requested number of events in time order, deterministically', () => {
    const events = [...generateSampleEvents(options)];
    expect(events).toHaveLength(2000);
    expect(events.map((e) => e.timestamp)).toEqual([...events.map((e) => e.timestamp)].sort());
    expect(new Set(events.map((e) => e.id)).size).toBe(2000);
    expect([...generateSampleEvents(options)]).toEqual(events);
    expect(events.every((e) => e.timestamp >= options.from && e.timestamp < options.until)).toBe(true);
  });

  it('plants each value in its field at its time and reports the ground truth', () => {
    const truth = plantedEvents(options);
    expect(truth.map((t) => [t.value, t.field, t.timestamp.slice(0, 10)])).toEqual([
      ['45.83.1.2', 'related.ip', '2020-06-01'],
      ['45.83.1.2', 'destination.ip', '2021-03-04'],
      ['evil-update.com', 'dns.question.name', '2024-12-31'],
    ]);
    const byId = new Map([...generateSampleEvents(options)].map((e) => [e.id, e.source]));
    const related = byId.get(truth[0]!.eventId) as { related: { ip: string[] } };
    expect(related.related.ip).toContain('45.83.1.2');
    expect(related.related.ip).toHaveLength(3);
    expect((byId.get(truth[1]!.eventId) as { destination: { ip: string } }).destination.ip).toBe('45.83.1.2');
  });

  it('never puts a planted or avoided value into a random event', () => {
    const avoid = ['31.0.0.1'];
    const text = JSON.stringify(
      [...generateSampleEvents({ ...options, avoid, plants: [] })].map((e) => e.source),
    );
    expect(text).not.toContain('"31.0.0.1"');
    const planted = [...generateSampleEvents(options)].filter((e) => JSON.stringify(e.source).includes('45.83.1.2'));
    expect(planted.every((e) => e.plant !== undefined)).toBe(true);
  });
});
