import { describe, expect, it } from 'vitest';
import { BulkWriter, type DroppedDocument } from '../../../src/io/engine/bulk-writer.js';
import { useEngine } from '../../helpers/engine-fixture.js';

describe.each(['opensearch', 'elasticsearch'] as const)('bulk writing and scanning on %s', (flavor) => {
  const fx = useEngine(flavor);

  it('writes every document in several bounded requests, then counts re-creates as conflicts', async () => {
    const index = fx.index('bulk');
    await fx.engine.createIndex(index, { settings: { number_of_shards: 3, number_of_replicas: 0 } });
    const first = new BulkWriter({ engine: fx.engine, flushBytes: 20_000, concurrency: 3 });
    for (let i = 0; i < 2500; i++) await first.add({ op: 'create', index, id: `doc-${i}` }, { n: i, tag: i % 2 ? 'odd' : 'even' });
    const totals = await first.close();
    expect(totals).toMatchObject({ written: 2500, created: 2500, conflicts: 0, dropped: 0 });
    expect(totals.requests).toBeGreaterThan(5);

    const again = new BulkWriter({ engine: fx.engine, flushBytes: 50_000 });
    for (let i = 0; i < 2500; i++) await again.add({ op: 'create', index, id: `doc-${i}` }, { n: i });
    expect(await again.close()).toMatchObject({ written: 0, conflicts: 2500, dropped: 0 });
  });

  it('scans every matching document exactly once across shards', async () => {
    const index = fx.index('scan');
    await fx.engine.createIndex(index, { settings: { number_of_shards: 3, number_of_replicas: 0 } });
    const writer = new BulkWriter({ engine: fx.engine });
    for (let i = 0; i < 2345; i++) await writer.add({ op: 'index', index, id: `d${i}` }, { n: i, even: i % 2 === 0 });
    await writer.close();
    await fx.engine.refresh(index);

    const seen: string[] = [];
    let pages = 0;
    for await (const page of fx.engine.scanDocuments({ index, query: { term: { even: true } }, source: ['n'], pageSize: 100 })) {
      pages += 1;
      for (const hit of page) {
        expect(hit.source).toEqual({ n: Number(hit.id.slice(1)) });
        seen.push(hit.id);
      }
    }
    expect(pages).toBe(12);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(
      Array.from({ length: 2345 }, (_, i) => i)
        .filter((i) => i % 2 === 0)
        .map((i) => `d${i}`)
        .sort(),
    );
    expect(await fx.engine.countDocuments(index, { term: { even: false } })).toBe(1172);
  });

  it('reads documents with their sequence numbers and refuses a stale write', async () => {
    const index = fx.index('occ');
    await fx.engine.indexDocument({ index, id: 'a', document: { v: 1 }, refresh: true });
    const stored = await fx.engine.fetchDocuments(index, ['a', 'missing']);
    expect([...stored.keys()]).toEqual(['a']);
    const a = stored.get('a')!;
    expect(a.source).toEqual({ v: 1 });

    const dropped: DroppedDocument[] = [];
    const writer = new BulkWriter({ engine: fx.engine, onDrop: (d) => dropped.push(d) });
    await writer.add({ op: 'index', index, id: 'a', ifSeqNo: a.seqNo, ifPrimaryTerm: a.primaryTerm }, { v: 2 });
    await writer.close();
    const stale = new BulkWriter({ engine: fx.engine, onDrop: (d) => dropped.push(d) });
    await stale.add({ op: 'index', index, id: 'a', ifSeqNo: a.seqNo, ifPrimaryTerm: a.primaryTerm }, { v: 3 });
    expect(await stale.close()).toMatchObject({ written: 0, dropped: 1 });
    expect(dropped).toEqual([
      expect.objectContaining({ status: 409, errorType: 'version_conflict_engine_exception', action: expect.objectContaining({ id: 'a' }) }),
    ]);
    expect((await fx.engine.fetchDocument(index, 'a'))?.v).toBe(2);
  });

  it('ensureIndex creates once and reports an existing index', async () => {
    const index = fx.index('ensure');
    expect(await fx.engine.ensureIndex(index, { mappings: { properties: { ip: { type: 'ip' } } } })).toBe(true);
    expect(await fx.engine.ensureIndex(index, {})).toBe(false);
  });
});
