import { describe, expect, it } from 'vitest';
import { BulkWriter, type DroppedDocument } from '../../../src/io/engine/bulk-writer.js';
import { FakeEngine } from '../../helpers/fake-engine.js';

const REJECTED = { status: 429, errorType: 'es_rejected_execution_exception', errorReason: 'rejected execution of coordinating operation' };
const BLOCKED = { status: 429, errorType: 'cluster_block_exception', errorReason: 'index [logs] blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark]' };
const FAST = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 };

/** The ids a bulk request body carries, in order. */
function idsOf(ndjson: string): string[] {
  return ndjson
    .split('\n')
    .filter((line) => line.startsWith('{"index"') || line.startsWith('{"create"'))
    .map((line) => (Object.values(JSON.parse(line) as Record<string, { _id: string }>)[0] as { _id: string })._id);
}

async function writeAll(writer: BulkWriter, ids: string[], op: 'index' | 'create' = 'index'): Promise<void> {
  for (const id of ids) await writer.add({ op, index: 'logs', id }, { n: id });
}

describe('BulkWriter', () => {
  it('re-sends only the items rejected with 429, until they are written', async () => {
    const engine = new FakeEngine();
    // Request 0: items 1 and 3 rejected; request 1 (the re-send): its first item rejected again.
    engine.itemFault = ({ request, position }) => ((request === 0 && (position === 1 || position === 3)) || (request === 1 && position === 0) ? REJECTED : undefined);
    const writer = new BulkWriter({ engine, retry: FAST });
    await writeAll(writer, ['a', 'b', 'c', 'd']);
    const totals = await writer.close();

    expect(engine.bulkBodies.map(idsOf)).toEqual([['a', 'b', 'c', 'd'], ['b', 'd'], ['b']]);
    expect(totals).toMatchObject({ written: 4, created: 4, dropped: 0, retried: 3, requests: 3 });
    expect([...engine.docs('logs').keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('drops an item still rejected when its attempts are used up, and reports it', async () => {
    const engine = new FakeEngine();
    engine.itemFault = ({ id }) => (id === 'b' ? REJECTED : undefined);
    const dropped: DroppedDocument[] = [];
    const writer = new BulkWriter({ engine, retry: FAST, onDrop: (d) => dropped.push(d) });
    await writeAll(writer, ['a', 'b']);
    const totals = await writer.close();

    expect(engine.bulkBodies.map(idsOf)).toEqual([['a', 'b'], ['b'], ['b'], ['b']]);
    expect(totals).toMatchObject({ written: 1, dropped: 1, retried: 3, requests: FAST.attempts });
    expect(dropped).toEqual([{ action: { op: 'index', index: 'logs', id: 'b' }, status: 429, errorType: REJECTED.errorType, reason: REJECTED.errorReason }]);
  });

  it('does not retry a 429 that is a block (flood-stage watermark): dropped at once with its reason', async () => {
    const engine = new FakeEngine();
    engine.itemFault = ({ id }) => (id === 'b' ? BLOCKED : undefined);
    const dropped: DroppedDocument[] = [];
    const writer = new BulkWriter({ engine, retry: FAST, onDrop: (d) => dropped.push(d) });
    await writeAll(writer, ['a', 'b', 'c']);
    const totals = await writer.close();

    expect(engine.bulkBodies).toHaveLength(1);
    expect(totals).toMatchObject({ written: 2, dropped: 1, retried: 0, requests: 1 });
    expect(dropped).toEqual([{ action: { op: 'index', index: 'logs', id: 'b' }, status: 429, errorType: 'cluster_block_exception', reason: BLOCKED.errorReason }]);
  });

  it('counts a create on an existing id as a conflict, not a drop, and a mapping error as a drop', async () => {
    const engine = new FakeEngine();
    engine.seed('logs', { a: { n: 'old' } });
    engine.itemFault = ({ id }) => (id === 'c' ? { status: 400, errorType: 'mapper_parsing_exception', errorReason: 'failed to parse field [n]' } : undefined);
    const dropped: DroppedDocument[] = [];
    const writer = new BulkWriter({ engine, retry: FAST, onDrop: (d) => dropped.push(d) });
    await writeAll(writer, ['a', 'b', 'c'], 'create');
    const totals = await writer.close();

    expect(totals).toMatchObject({ written: 1, created: 1, conflicts: 1, dropped: 1, retried: 0, requests: 1 });
    expect(dropped.map((d) => [d.action.id, d.status, d.errorType])).toEqual([['c', 400, 'mapper_parsing_exception']]);
    expect(engine.docs('logs').get('a')).toEqual({ n: 'old' });
  });

  it('flushes by bytes and keeps every document once', async () => {
    const engine = new FakeEngine();
    const writer = new BulkWriter({ engine, flushBytes: 100, concurrency: 1 });
    const ids = Array.from({ length: 10 }, (_, i) => `doc-${i}`);
    await writeAll(writer, ids);
    const totals = await writer.close();

    expect(engine.bulkBodies.length).toBeGreaterThan(1);
    expect(engine.bulkBodies.flatMap(idsOf)).toEqual(ids);
    expect(totals).toMatchObject({ written: 10, requests: engine.bulkBodies.length });
  });

  it('writes every document byte for byte: non-ASCII text, a document larger than a request, re-sent slices', async () => {
    const engine = new FakeEngine();
    // Request 0's second item rejected once: the re-send is a slice of request 0's bytes.
    engine.itemFault = ({ request, position }) => (request === 0 && position === 1 ? REJECTED : undefined);
    const writer = new BulkWriter({ engine, retry: FAST, flushBytes: 1024, concurrency: 1 });
    const documents: Record<string, Record<string, unknown>> = {
      a: { name: 'café.example', note: 'Ünïcødé ✓ 𝔘 😀' },
      b: { name: 'пример.испытание', quote: 'a "quoted"\nline\\' },
      // Larger than the flush size and the slack past it: the buffer grows for it.
      big: { blob: 'é'.repeat(200_000), tail: '😀' },
      c: { n: 3 },
    };
    for (const [id, document] of Object.entries(documents)) await writer.add({ op: 'index', index: 'logs', id }, document);
    const totals = await writer.close();

    // Request 0 is a, b and big (big crosses the flush size); request 1 re-sends b; request 2 is c.
    expect(engine.bulkBodies.map(idsOf)).toEqual([['a', 'b', 'big'], ['b'], ['c']]);
    expect(Object.fromEntries(engine.docs('logs'))).toEqual(documents);
    expect(totals).toMatchObject({ written: 4, retried: 1, dropped: 0 });
    expect(totals.bytes).toBe(engine.bulkBodies.reduce((sum, body) => sum + Buffer.byteLength(body), 0));
  });

  it('surfaces a failed request at the next add or at close', async () => {
    const engine = new FakeEngine();
    engine.failNext('bulk', new Error('cluster unreachable'));
    const writer = new BulkWriter({ engine, flushBytes: 1 });
    await writer.add({ op: 'index', index: 'logs', id: 'a' }, { n: 1 });
    await expect(writer.close()).rejects.toThrow('cluster unreachable');
  });
});
