import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.js';
import { waitFor } from '../../helpers/wait-for.js';

// A tiny stand-in for a cluster: _bulk answers 3 items, _search (and scroll) 4 hits on 2 shards,
// anything else echoes what it received, so each test can see exactly what the proxy forwarded.
const BULK_ANSWER = {
  took: 3,
  errors: false,
  items: [
    { index: { _index: 'events-1', _id: '1', _version: 1, result: 'created', status: 201 } },
    { create: { _index: 'events-1', _id: '2', _version: 1, result: 'created', status: 201 } },
    { delete: { _index: 'events-1', _id: '3', _version: 2, result: 'deleted', status: 200 } },
  ],
};
const SEARCH_ANSWER = {
  took: 2,
  timed_out: false,
  _shards: { total: 2, successful: 2, skipped: 0, failed: 0 },
  hits: {
    total: { value: 4, relation: 'eq' },
    max_score: 1,
    hits: ['1', '2', '3', '4'].map((id) => ({ _index: 'events-1', _id: id, _score: 1, _source: { n: Number(id) } })),
  },
};
const SEARCH_TEXT = JSON.stringify(SEARCH_ANSWER);

const DEFAULT_429_TEXT =
  '{"error":{"root_cause":[{"type":"es_rejected_execution_exception","reason":"injected"}],"type":"es_rejected_execution_exception","reason":"injected"},"status":429}';
const SCROLL_LOST_TEXT =
  '{"error":{"root_cause":[{"type":"search_context_missing_exception","reason":"No search context found for id [1]"}],"type":"search_phase_execution_exception","reason":"all shards failed","phase":"query","grouped":true,"failed_shards":[{"shard":-1,"index":null,"reason":{"type":"search_context_missing_exception","reason":"No search context found for id [1]"}}],"caused_by":{"type":"search_context_missing_exception","reason":"No search context found for id [1]"}},"status":404}';

let target: http.Server;
let targetUrl: string;
let targetHits: number;
let proxy: FaultProxy;

function answerJson(res: http.ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function fakeCluster(req: http.IncomingMessage, res: http.ServerResponse): void {
  targetHits += 1;
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const path = req.url ?? '/';
    if (/\/_bulk\b/.test(path)) return answerJson(res, BULK_ANSWER);
    if (/\/_search\b/.test(path)) return answerJson(res, SEARCH_ANSWER);
    answerJson(res, {
      method: req.method,
      url: path,
      body: Buffer.concat(chunks).toString('utf8'),
      authorization: req.headers.authorization,
      acceptEncoding: req.headers['accept-encoding'],
    });
  });
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** GETs through the proxy and returns status and text. */
async function get(path: string, init: RequestInit = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(proxy.url + path, init);
  return { status: res.status, text: await res.text(), headers: res.headers };
}

async function post(path: string, body: string): Promise<{ status: number; text: string; headers: Headers }> {
  return get(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
}

/** Reads a raw answer with node:http, counting body bytes until the connection ends or breaks. */
function rawGet(url: string): Promise<{ contentLength: string | undefined; received: Buffer; broken: boolean }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        const done = (broken: boolean) =>
          resolve({ contentLength: res.headers['content-length'], received: Buffer.concat(chunks), broken });
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(!res.complete));
        res.on('error', () => done(true));
      })
      .on('error', reject);
  });
}

beforeAll(async () => {
  target = http.createServer(fakeCluster);
  targetUrl = await listen(target);
});

afterAll(async () => {
  target.closeAllConnections();
  await new Promise<void>((resolve) => target.close(() => resolve()));
});

beforeEach(async () => {
  targetHits = 0;
  proxy = await startFaultProxy({ target: targetUrl });
});

afterEach(async () => {
  await proxy.close();
});

describe('fault proxy: pass-through and matching', () => {
  it('forwards method, path, query, authorization and body, asks the target for identity encoding, and logs the request', async () => {
    const res = await fetch(`${proxy.url}/idx/_doc/1?refresh=true`, {
      method: 'PUT',
      body: '{"a":1}',
      headers: { authorization: 'Basic dTpw', 'accept-encoding': 'gzip', 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      method: 'PUT',
      url: '/idx/_doc/1?refresh=true',
      body: '{"a":1}',
      authorization: 'Basic dTpw',
      acceptEncoding: 'identity',
    });
    expect(proxy.requests).toEqual([{ method: 'PUT', path: '/idx/_doc/1', query: 'refresh=true', status: 200 }]);
  });

  it('status: answers 429 with the Elasticsearch rejection without forwarding, once by default', async () => {
    proxy.addFault({ match: {}, fault: { kind: 'status', status: 429 } });
    const first = await get('/anything');
    expect([first.status, first.text, first.headers.get('content-type')]).toEqual([429, DEFAULT_429_TEXT, 'application/json; charset=UTF-8']);
    expect(targetHits).toBe(0);
    const second = await get('/anything');
    expect([second.status, JSON.parse(second.text).url]).toEqual([200, '/anything']);
    expect(targetHits).toBe(1);
    expect(proxy.requests).toEqual([
      { method: 'GET', path: '/anything', query: '', status: 429, fault: 'status' },
      { method: 'GET', path: '/anything', query: '', status: 200 },
    ]);
  });

  it('status: custom body and headers, matched by method and path, `times` hits exactly', async () => {
    proxy.addFault({
      match: { method: 'get', path: /^\/_cluster\/health\?/ },
      times: 2,
      fault: { kind: 'status', status: 503, body: { custom: true }, headers: { 'retry-after': '1' } },
    });
    expect((await post('/_cluster/health?x=1', '{}')).status).toBe(200);
    expect((await get('/_cluster/health')).status).toBe(200);
    for (let i = 0; i < 2; i += 1) {
      const hit = await get('/_cluster/health?wait_for_status=yellow');
      expect([hit.status, hit.text, hit.headers.get('retry-after')]).toEqual([503, '{"custom":true}', '1']);
    }
    expect((await get('/_cluster/health?wait_for_status=yellow')).status).toBe(200);
    expect(proxy.requests.map((r) => r.status)).toEqual([200, 200, 503, 503, 200]);
  });

  it('bodyIncludes: only a request whose body holds the needle gets the fault', async () => {
    proxy.addFault({ match: { bodyIncludes: 'needle' }, fault: { kind: 'status', status: 429 } });
    const hay = await post('/_doc', '{"q":"hay"}');
    expect([hay.status, JSON.parse(hay.text).body]).toEqual([200, '{"q":"hay"}']);
    expect((await post('/_doc', '{"q":"a needle"}')).status).toBe(429);
    expect((await post('/_doc', '{"q":"a needle"}')).status).toBe(200);
  });

  it('times Infinity keeps hitting until clearFaults', async () => {
    proxy.addFault({ match: {}, times: Infinity, fault: { kind: 'status', status: 503 } });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await get('/x')).status);
    proxy.clearFaults();
    statuses.push((await get('/x')).status);
    expect(statuses).toEqual([503, 503, 503, 200]);
  });

  it('answers 502 when the target is down, without retrying', async () => {
    const gone = http.createServer();
    const goneUrl = await listen(gone);
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    const lonely = await startFaultProxy({ target: goneUrl });
    try {
      const res = await fetch(`${lonely.url}/_search`);
      expect(res.status).toBe(502);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe('fault_proxy_upstream_exception');
      expect(lonely.requests).toEqual([{ method: 'GET', path: '/_search', query: '', status: 502 }]);
    } finally {
      await lonely.close();
    }
  });
});

describe('fault proxy: connection faults', () => {
  it('reset: the client gets no answer at all and the target never sees the request', async () => {
    proxy.addFault({ match: {}, fault: { kind: 'reset' } });
    await expect(fetch(`${proxy.url}/_bulk`, { method: 'POST', body: '{}\n' })).rejects.toThrow(TypeError);
    expect(targetHits).toBe(0);
    expect(proxy.requests).toEqual([{ method: 'POST', path: '/_bulk', query: '', fault: 'reset' }]);
    expect((await get('/after')).status).toBe(200);
  });

  it('stall: a client with a short timeout gives up first', async () => {
    proxy.addFault({ match: {}, fault: { kind: 'stall', ms: 5_000 } });
    const started = Date.now();
    await expect(fetch(`${proxy.url}/_search`, { signal: AbortSignal.timeout(150) })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(targetHits).toBe(0);
    expect(proxy.requests).toEqual([{ method: 'GET', path: '/_search', query: '', fault: 'stall' }]);
  });

  it('stall: after `ms` the socket is destroyed without an answer', async () => {
    proxy.addFault({ match: {}, fault: { kind: 'stall', ms: 150 } });
    const started = Date.now();
    await expect(fetch(`${proxy.url}/_search`, { signal: AbortSignal.timeout(3_000) })).rejects.toThrow(TypeError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(targetHits).toBe(0);
  });

  it('close() ends a stalled request promptly', async () => {
    proxy.addFault({ match: {}, fault: { kind: 'stall', ms: 60_000 } });
    const pending = fetch(`${proxy.url}/_search`);
    pending.catch(() => undefined);
    await waitFor(() => (proxy.requests.length === 1 ? true : undefined), 2_000);
    const started = Date.now();
    await proxy.close();
    await expect(pending).rejects.toThrow(TypeError);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('truncate: by default half the body arrives under the full content-length, and parsing fails', async () => {
    proxy.addFault({ match: {}, fault: { kind: 'truncate' } });
    const res = await fetch(`${proxy.url}/_search`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(SEARCH_TEXT)));
    await expect(res.text()).rejects.toThrow();
    expect(proxy.requests).toEqual([{ method: 'GET', path: '/_search', query: '', status: 200, fault: 'truncate' }]);
    expect((await get('/_search')).text).toBe(SEARCH_TEXT);
  });

  it('truncate: exactly `bytes` bytes arrive, then the connection breaks', async () => {
    proxy.addFault({ match: {}, fault: { kind: 'truncate', bytes: 10 } });
    const raw = await rawGet(`${proxy.url}/_search`);
    expect(raw).toEqual({
      contentLength: String(Buffer.byteLength(SEARCH_TEXT)),
      received: Buffer.from(SEARCH_TEXT.slice(0, 10)),
      broken: true,
    });
  });
});

describe('fault proxy: rewritten answers', () => {
  it('bulk-item-429: the chosen item is rejected, errors is true, the rest is untouched, and non-bulk requests do not use the rule', async () => {
    proxy.addFault({ match: {}, fault: { kind: 'bulk-item-429', items: [1] } });
    expect((await get('/_search')).text).toBe(SEARCH_TEXT);
    const res = await post('/_bulk', '{"create":{}}\n{}\n');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(res.text)));
    expect(JSON.parse(res.text)).toEqual({
      ...BULK_ANSWER,
      errors: true,
      items: [
        BULK_ANSWER.items[0],
        { create: { _index: 'events-1', _id: '2', status: 429, error: { type: 'es_rejected_execution_exception', reason: 'injected' } } },
        BULK_ANSWER.items[2],
      ],
    });
    expect(proxy.requests.map((r) => r.fault)).toEqual([undefined, 'bulk-item-429']);
    expect(JSON.parse((await post('/_bulk', '{}\n')).text)).toEqual(BULK_ANSWER);
  });

  it('bulk-item-429: by default every item is rejected, each keeping its op key', async () => {
    proxy.addFault({ match: { path: /_bulk/ }, fault: { kind: 'bulk-item-429' } });
    const body = JSON.parse((await post('/events-1/_bulk?refresh=false', '{}\n')).text);
    expect(body.errors).toBe(true);
    expect(body.items.map((item: Record<string, { status: number }>) => Object.entries(item).map(([op, r]) => [op, r.status]))).toEqual([
      [['index', 429]],
      [['create', 429]],
      [['delete', 429]],
    ]);
  });

  it('shard-failure: one shard reported lost, half the hits dropped, totals lowered', async () => {
    proxy.addFault({ match: {}, fault: { kind: 'shard-failure' } });
    const res = await get('/events-*/_search?size=4');
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(res.text)));
    const body = JSON.parse(res.text);
    expect(body._shards).toEqual({
      total: 2,
      successful: 1,
      skipped: 0,
      failed: 1,
      failures: [{ shard: 0, index: 'events-1', node: 'injected', reason: { type: 'node_disconnected_exception', reason: 'injected' } }],
    });
    expect(body.hits.hits.map((hit: { _id: string }) => hit._id)).toEqual(['1', '2']);
    expect(body.hits.total).toEqual({ value: 2, relation: 'eq' });
  });

  it('shard-failure: applies to scroll pages too, with `failed` shards', async () => {
    proxy.addFault({ match: { method: 'POST' }, fault: { kind: 'shard-failure', failed: 2 } });
    const body = JSON.parse((await post('/_search/scroll', '{"scroll_id":"abc","scroll":"1m"}')).text);
    expect([body._shards.successful, body._shards.failed, body._shards.failures.map((f: { shard: number }) => f.shard)]).toEqual([0, 2, [0, 1]]);
    expect(body.hits.hits).toHaveLength(2);
  });

  it('timed-out: timed_out becomes true and nothing else changes', async () => {
    proxy.addFault({ match: { path: /_search/ }, fault: { kind: 'timed-out' } });
    expect(JSON.parse((await get('/_search')).text)).toEqual({ ...SEARCH_ANSWER, timed_out: true });
    expect(JSON.parse((await get('/_search')).text)).toEqual(SEARCH_ANSWER);
  });

  it('scroll-lost: 404 search_context_missing_exception, the target never asked', async () => {
    proxy.addFault({ match: { path: /^\/_search\/scroll/ }, fault: { kind: 'scroll-lost' } });
    const res = await post('/_search/scroll', '{"scroll_id":"abc"}');
    expect([res.status, res.text]).toEqual([404, SCROLL_LOST_TEXT]);
    expect(targetHits).toBe(0);
    expect(proxy.requests).toEqual([{ method: 'POST', path: '/_search/scroll', query: '', status: 404, fault: 'scroll-lost' }]);
  });
});

describe('fault proxy: refusals', () => {
  it.each(['http://10.0.0.1:9200', 'http://example.com:9200', 'http://127.0.0.1.example.com:9200', 'https://127.0.0.1:9200'])(
    'refuses the target %s',
    async (url) => {
      await expect(startFaultProxy({ target: url })).rejects.toThrow(/fault proxy: target must be/);
    },
  );

  it('refuses rules it cannot honour', () => {
    expect(() => proxy.addFault({ match: {}, times: 0, fault: { kind: 'reset' } })).toThrow(RangeError);
    expect(() => proxy.addFault({ match: {}, fault: { kind: 'stall', ms: Number.NaN } })).toThrow(RangeError);
    expect(() => proxy.addFault({ match: {}, fault: { kind: 'status', status: 42 } })).toThrow(RangeError);
  });
});
