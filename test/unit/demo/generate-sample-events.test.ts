import { describe, expect, it } from 'vitest';
import { generateSampleEvents, plantedEvents, type Plant, type SampleEventsOptions } from '../../../src/core/demo/generate-sample-events.js';

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

  it('redraws an avoided value the generator would have drawn (external IPs, domains, senders)', () => {
    const unplanted = { ...options, plants: [] };
    const drawn = [...generateSampleEvents(unplanted)].map((e) => drawnValues(e.source));
    // The first values of each pool: with the same seed, an ignored avoid list would yield them again, in the same events.
    const avoid = [
      ...new Set([
        ...drawn.flatMap((values) => values.ips).slice(0, 25),
        ...drawn.flatMap((values) => values.domains).slice(0, 25),
        ...drawn.flatMap((values) => values.senders).slice(0, 10),
      ]),
    ];
    expect(avoid.length).toBeGreaterThanOrEqual(55);
    const events = [...generateSampleEvents({ ...unplanted, avoid })];
    expect(events).toHaveLength(2000);
    const leaves = new Set(events.flatMap((e) => stringLeaves(e.source)));
    expect(avoid.filter((value) => leaves.has(value))).toEqual([]);
    expect(events.filter((e) => avoid.some((value) => String((e.source.url as { full?: string } | undefined)?.full).includes(`//${value}/`)))).toEqual([]);
  });

  it('puts a planted value that the generator would draw only into its planted event', () => {
    const unplanted = { ...options, plants: [] };
    const drawn = [...generateSampleEvents(unplanted)].map((e) => drawnValues(e.source));
    const ip = drawn.flatMap((values) => values.ips)[0]!;
    const name = drawn.flatMap((values) => values.domains)[0]!;
    // Planted at the end of the range, so every random event before it is drawn as in the unplanted run.
    const late = '2025-12-31T23:59:59.000Z';
    const planted = {
      ...unplanted,
      plants: [
        { value: ip, kind: 'ip', field: 'destination.ip', at: late },
        { value: name, kind: 'domain', field: 'dns.question.name', at: late },
      ] satisfies Plant[],
    };
    const carriers = [...generateSampleEvents(planted)].filter((e) => stringLeaves(e.source).some((leaf) => leaf === ip || leaf === name));
    expect(carriers.map((e) => e.plant?.value).sort()).toEqual([ip, name].sort());
  });
});

/** The values a random event draws from the pools the avoid list applies to. */
function drawnValues(source: Record<string, unknown>): { ips: string[]; domains: string[]; senders: string[] } {
  const event = source as {
    destination?: { ip?: string };
    dns?: { question?: { name?: string } };
    url?: { domain?: string };
    email?: { from?: { address?: string } };
  };
  const ip = event.destination?.ip;
  const domain = event.dns?.question?.name ?? event.url?.domain;
  const sender = event.email?.from?.address;
  return {
    ips: ip !== undefined && !ip.startsWith('10.') ? [ip] : [],
    domains: domain !== undefined ? [domain] : [],
    senders: sender !== undefined ? [sender] : [],
  };
}

/** Every string value anywhere in a document. */
function stringLeaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringLeaves);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringLeaves);
  return [];
}
