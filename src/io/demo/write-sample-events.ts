import type { SampleEvent } from '../../core/demo/generate-sample-events.js';
import { BulkWriter } from '../engine/bulk-writer.js';
import type { Engine } from '../engine/engine.js';
import { loadResource } from '../load-resource.js';

export interface WriteSampleEventsOptions {
  /** The index of an event, e.g. yearly `logs-sample-2021`. */
  indexFor: (event: SampleEvent) => string;
  /** Index body for indices created on the way; default `mappings/sample-logs.json`. */
  indexBody?: (index: string) => Record<string, unknown>;
  concurrency?: number;
  /** Sets `event.ingested` on every event (as an ingest pipeline would). */
  ingested?: string;
}

/** Indexes generated events with their ids (so a test knows every alert id), creating indices as needed. */
export async function writeSampleEvents(
  engine: Engine,
  events: Iterable<SampleEvent>,
  options: WriteSampleEventsOptions,
): Promise<{ indices: string[]; count: number }> {
  const created = new Set<string>();
  const writer = new BulkWriter({ engine, concurrency: options.concurrency ?? 2 });
  let count = 0;
  for (const event of events) {
    const index = options.indexFor(event);
    if (!created.has(index)) {
      await engine.ensureIndex(index, options.indexBody?.(index) ?? loadResource('mappings', 'sample-logs'));
      created.add(index);
    }
    const source = options.ingested ? { ...event.source, event: { ...(event.source.event as object), ingested: options.ingested } } : event.source;
    await writer.add({ op: 'index', index, id: event.id }, source);
    count += 1;
  }
  const totals = await writer.close();
  if (totals.dropped > 0) throw new Error(`${totals.dropped} sample events could not be indexed`);
  for (const index of created) await engine.refresh(index);
  return { indices: [...created].sort(), count };
}
