/**
 * A fault-injecting HTTP proxy for tests: it sits between iochunt and an Elasticsearch/OpenSearch
 * endpoint on loopback and, when a rule matches, answers the way a sick cluster does (429s,
 * resets, stalls, cut bodies, rejected bulk items, lost shards, timed-out searches, lost scroll
 * contexts). Retry, resume and partial-failure paths can then be proven against real HTTP
 * without killing a node. Only `node:http`; every wait and every buffer is bounded, and the proxy
 * never retries anything itself (a retry seen by the target is the client's).
 */
import http from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Longest a `stall` fault holds a request: a test that forgets its own timeout still ends. */
export const STALL_CAP_MS = 120_000;
/** Default for how long the target may stay silent on a forwarded request before the proxy answers 502. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 120_000;
/** Largest request or answer body the proxy buffers (to match `bodyIncludes` or rewrite an answer). */
export const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/** Most shard failures a `shard-failure` fault may report, so the failures list stays bounded. */
export const MAX_INJECTED_SHARD_FAILURES = 1000;

/** Answer `status` without forwarding; the default body is an Elasticsearch rejection carrying that status. */
export interface StatusFault {
  kind: 'status';
  status: number;
  /** A string or bytes are sent as they are; anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}
/** Reset the client's connection before forwarding: the client sees ECONNRESET and no answer. */
export interface ResetFault {
  kind: 'reset';
}
/** Accept the request, answer nothing for `ms` (capped at {@link STALL_CAP_MS}), then destroy the socket. */
export interface StallFault {
  kind: 'stall';
  ms: number;
}
/** Forward, then send only the first `bytes` (default half) of the answer under its full content-length, then destroy the socket. */
export interface TruncateFault {
  kind: 'truncate';
  bytes?: number;
}
/** `_bulk` only: forward, then mark the chosen items (default all) rejected with 429, as a saturated write queue does. */
export interface BulkItem429Fault {
  kind: 'bulk-item-429';
  items?: number[];
}
/** `_search`, `_search/scroll`, `_count` only: forward, then report `failed` lost shards (default 1) and drop about half the hits. */
export interface ShardFailureFault {
  kind: 'shard-failure';
  failed?: number;
}
/** Forward, then set `timed_out: true` in the JSON answer, as a search that hit its `timeout` does. */
export interface TimedOutFault {
  kind: 'timed-out';
}
/** Answer 404 `search_context_missing_exception` without forwarding, as when a scroll context expired. */
export interface ScrollLostFault {
  kind: 'scroll-lost';
}

/** One injected misbehaviour. */
export type Fault =
  | StatusFault
  | ResetFault
  | StallFault
  | TruncateFault
  | BulkItem429Fault
  | ShardFailureFault
  | TimedOutFault
  | ScrollLostFault;
/** The name of a fault, as recorded in {@link ProxiedRequest.fault}. */
export type FaultKind = Fault['kind'];

/** Which requests a rule hits; every given field must match. */
export interface FaultMatch {
  /** Compared case-insensitively. */
  method?: string;
  /** Tested on the path plus query string, e.g. `/_search/scroll?scroll=1m`. */
  path?: RegExp;
  /** Substring of the request body, or substrings it must all hold (makes the proxy buffer bodies while such a rule is pending). */
  bodyIncludes?: string | readonly string[];
}

/**
 * A fault and the requests it hits. Rules are tried in the order added; the first pending one that
 * matches is used up by one request. `bulk-item-429` and `shard-failure` also only ever match the
 * endpoints whose answers they rewrite, so `{ match: {}, fault: { kind: 'bulk-item-429' } }` waits
 * for the next `_bulk`.
 */
export interface FaultRule {
  match: FaultMatch;
  /** How many matching requests get the fault: a positive integer or Infinity; default 1. */
  times?: number;
  fault: Fault;
}

/** One request the proxy saw, for assertions; `status` is unset while pending and when no answer was sent. */
export interface ProxiedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query string without the `?`; empty when there is none. */
  query: string;
  status?: number;
  fault?: FaultKind;
}

/** A running proxy. */
export interface FaultProxy {
  /** Base URL to give the client instead of the target's, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Every request seen, in arrival order. */
  readonly requests: ProxiedRequest[];
  /** Adds a rule after those already pending; throws on an invalid rule. */
  addFault(rule: FaultRule): void;
  /** Drops every pending rule: from now on everything passes through. */
  clearFaults(): void;
  /** Stops listening and destroys open sockets (stalled ones too), so tests end promptly. */
  close(): Promise<void>;
}

/** Where to forward. */
export interface FaultProxyOptions {
  /** A loopback http URL (localhost, 127.0.0.0/8 or [::1]), e.g. `http://127.0.0.1:9201`. */
  target: string;
  /** How long the target may stay silent before the proxy answers 502; default {@link DEFAULT_UPSTREAM_TIMEOUT_MS}. */
  upstreamTimeoutMs?: number;
}

interface Target {
  hostname: string;
  port: number;
  host: string;
  basePath: string;
}

interface PendingRule {
  rule: FaultRule;
  remaining: number;
}

interface ProxyState {
  target: Target;
  upstreamTimeoutMs: number;
  agent: http.Agent;
  rules: PendingRule[];
  requests: ProxiedRequest[];
  sockets: Set<Socket>;
  timers: Set<NodeJS.Timeout>;
}

interface RequestHead {
  method: string;
  /** Path plus query, as received. */
  url: string;
  pathname: string;
  query: string;
}

interface Exchange {
  state: ProxyState;
  req: IncomingMessage;
  res: ServerResponse;
  head: RequestHead;
  entry: ProxiedRequest;
  /** The request body when it had to be buffered; otherwise it is streamed to the target. */
  body?: Buffer;
}

type JsonObject = Record<string, unknown>;

const REJECTED_CAUSE = { type: 'es_rejected_execution_exception', reason: 'injected' };
const SCROLL_MISSING_CAUSE = { type: 'search_context_missing_exception', reason: 'No search context found for id [1]' };
const SCROLL_LOST_BODY = {
  error: {
    root_cause: [SCROLL_MISSING_CAUSE],
    type: 'search_phase_execution_exception',
    reason: 'all shards failed',
    phase: 'query',
    grouped: true,
    failed_shards: [{ shard: -1, index: null, reason: SCROLL_MISSING_CAUSE }],
    caused_by: SCROLL_MISSING_CAUSE,
  },
  status: 404,
};
const BULK_PATH = /(?:^|\/)_bulk(?:\/|$)/;
const SEARCH_PATH = /(?:^|\/)(?:_search(?:\/scroll)?|_count)(?:\/|$)/;
/** Headers that describe one hop (or that the proxy sets itself) and are not copied across. */
const HOP_HEADERS = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'host', 'accept-encoding'];

/**
 * Starts a proxy on 127.0.0.1 (a free port) in front of `options.target`. Refuses a target that
 * is not plain http on loopback, so a test can never point faults (or credentials) at a real cluster.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const state: ProxyState = {
    target: parseLoopbackTarget(options.target),
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS,
    agent: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    rules: [],
    requests: [],
    sockets: new Set(),
    timers: new Set(),
  };
  const server = http.createServer((req, res) => void handle(state, req, res));
  trackSockets(server, state.sockets);
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests: state.requests,
    addFault: (rule) => state.rules.push({ rule, remaining: validateRule(rule) }),
    clearFaults: () => state.rules.splice(0),
    close: () => closeProxy(server, state),
  };
}

/** Parses the target and throws unless it is http on a loopback address. */
function parseLoopbackTarget(raw: string): Target {
  const url = new URL(raw);
  if (url.protocol !== 'http:') throw new Error(`fault proxy: target must be http:, got ${url.protocol}`);
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!isLoopbackHost(hostname)) throw new Error(`fault proxy: target must be on loopback, got ${hostname}`);
  return { hostname, port: Number(url.port || 80), host: url.host, basePath: url.pathname.replace(/\/+$/, '') };
}

function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '::1') return true;
  const octets = hostname.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255);
}

/** Checks a rule and returns how many requests it may hit. */
function validateRule(rule: FaultRule): number {
  const times = rule.times ?? 1;
  if (!(times === Infinity || (Number.isInteger(times) && times > 0))) {
    throw new RangeError(`fault proxy: times must be a positive integer or Infinity, got ${times}`);
  }
  validateFault(rule.fault);
  return times;
}

function validateFault(fault: Fault): void {
  const problem = faultProblem(fault);
  if (problem !== undefined) throw new RangeError(`fault proxy: ${fault.kind}: ${problem}`);
}

function faultProblem(fault: Fault): string | undefined {
  switch (fault.kind) {
    case 'status':
      return isIntegerIn(fault.status, 100, 599) ? undefined : 'status must be an integer from 100 to 599';
    case 'stall':
      return Number.isFinite(fault.ms) && fault.ms >= 0 ? undefined : 'ms must be a finite number >= 0';
    case 'truncate':
      return fault.bytes === undefined || isIntegerIn(fault.bytes, 0, Infinity) ? undefined : 'bytes must be an integer >= 0';
    case 'bulk-item-429':
      return (fault.items ?? []).every((index) => isIntegerIn(index, 0, Infinity)) ? undefined : 'items must be integers >= 0';
    case 'shard-failure':
      return fault.failed === undefined || isIntegerIn(fault.failed, 1, MAX_INJECTED_SHARD_FAILURES)
        ? undefined
        : `failed must be an integer from 1 to ${MAX_INJECTED_SHARD_FAILURES}`;
    default:
      return undefined;
  }
}

function isIntegerIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

function trackSockets(server: http.Server, sockets: Set<Socket>): void {
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
}

function listenOnLoopback(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('fault proxy: no TCP address'));
      else resolve(address.port);
    });
  });
}

async function closeProxy(server: http.Server, state: ProxyState): Promise<void> {
  for (const timer of state.timers) clearTimeout(timer);
  state.timers.clear();
  for (const socket of state.sockets) socket.destroy();
  state.agent.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** One request: log it, then choose and apply its fault; a failure to reach the target becomes a 502. */
async function handle(state: ProxyState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const head = headOf(req);
  const entry: ProxiedRequest = { method: head.method, path: head.pathname, query: head.query };
  state.requests.push(entry);
  const exchange: Exchange = { state, req, res, head, entry };
  try {
    await chooseAndApply(exchange);
  } catch (error) {
    answerProxyError(exchange, error);
  }
}

/** Picks the rule (buffering the body only if a pending rule needs it) and applies its fault. */
async function chooseAndApply(exchange: Exchange): Promise<void> {
  const { state, req, head } = exchange;
  if (state.rules.some((pending) => pending.rule.match.bodyIncludes !== undefined && matchesHead(pending.rule, head))) {
    const body = await readBounded(req);
    if (body === undefined) return answerTooLarge(exchange);
    exchange.body = body;
  }
  const fault = takeFault(state.rules, head, exchange.body);
  if (fault !== undefined) exchange.entry.fault = fault.kind;
  await applyFault(exchange, fault);
}

function headOf(req: IncomingMessage): RequestHead {
  const url = req.url ?? '/';
  const mark = url.indexOf('?');
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    url,
    pathname: mark === -1 ? url : url.slice(0, mark),
    query: mark === -1 ? '' : url.slice(mark + 1),
  };
}

/** Uses up one hit of the first pending rule that matches, and drops rules with no hits left. */
function takeFault(rules: PendingRule[], head: RequestHead, body: Buffer | undefined): Fault | undefined {
  const index = rules.findIndex((pending) => matchesHead(pending.rule, head) && matchesBody(pending.rule, body));
  const pending = rules[index];
  if (pending === undefined) return undefined;
  pending.remaining -= 1;
  if (pending.remaining <= 0) rules.splice(index, 1);
  return pending.rule.fault;
}

function matchesHead(rule: FaultRule, head: RequestHead): boolean {
  const { method, path } = rule.match;
  if (method !== undefined && method.toUpperCase() !== head.method) return false;
  if (path !== undefined) {
    path.lastIndex = 0; // a /g or /y pattern must not remember the previous request
    if (!path.test(head.url)) return false;
  }
  return appliesToEndpoint(rule.fault, head.pathname);
}

function matchesBody(rule: FaultRule, body: Buffer | undefined): boolean {
  const needles = rule.match.bodyIncludes;
  if (needles === undefined) return true;
  return body !== undefined && (typeof needles === 'string' ? [needles] : needles).every((needle) => body.includes(needle));
}

/** The answer-rewriting faults only fit the endpoints whose answer shape they know. */
function appliesToEndpoint(fault: Fault, pathname: string): boolean {
  if (fault.kind === 'bulk-item-429') return BULK_PATH.test(pathname);
  if (fault.kind === 'shard-failure') return SEARCH_PATH.test(pathname);
  return true;
}

async function applyFault(exchange: Exchange, fault: Fault | undefined): Promise<void> {
  switch (fault?.kind) {
    case undefined:
      return pipeBack(exchange, await requestTarget(exchange));
    case 'status':
      return answerFixed(exchange, fault.status, fault.body ?? rejectionBody(fault.status), fault.headers);
    case 'scroll-lost':
      return answerFixed(exchange, 404, SCROLL_LOST_BODY);
    case 'reset':
      return resetClient(exchange);
    case 'stall':
      return stallClient(exchange, fault.ms);
    case 'truncate':
      return forwardTruncated(exchange, fault.bytes);
    case 'bulk-item-429':
      return forwardRewritten(exchange, (json) => rejectBulkItems(json, fault.items));
    case 'shard-failure':
      return forwardRewritten(exchange, (json) => failShards(json, fault.failed ?? 1));
    case 'timed-out':
      return forwardRewritten(exchange, markTimedOut);
  }
}

/** The error body a rejecting cluster sends, carrying the injected status. */
function rejectionBody(status: number): JsonObject {
  return { error: { root_cause: [REJECTED_CAUSE], ...REJECTED_CAUSE }, status };
}

function resetClient(exchange: Exchange): void {
  exchange.req.socket.resetAndDestroy();
}

function stallClient(exchange: Exchange, ms: number): void {
  const { req, state } = exchange;
  req.resume();
  const socket = req.socket;
  const timer = setTimeout(() => socket.destroy(), Math.min(ms, STALL_CAP_MS));
  state.timers.add(timer);
  socket.once('close', () => {
    clearTimeout(timer);
    state.timers.delete(timer);
  });
}

/** Sends a complete answer the proxy made up (the target never sees the request). */
function answerFixed(exchange: Exchange, status: number, body: unknown, headers: Record<string, string> = {}): void {
  exchange.req.resume();
  const payload = toPayload(body);
  exchange.entry.status = status;
  exchange.res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    ...withoutHeaders(headers, ['content-length', 'transfer-encoding']),
    'content-length': String(payload.length),
  });
  exchange.res.end(payload);
}

function toPayload(body: unknown): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  return Buffer.from(JSON.stringify(body), 'utf8');
}

function answerTooLarge(exchange: Exchange): void {
  exchange.res.once('finish', () => exchange.req.socket.destroy());
  answerFixed(exchange, 413, { error: { type: 'proxy_body_too_large', reason: `over ${MAX_BUFFERED_BYTES} bytes` }, status: 413 });
}

/** Last resort when forwarding failed: a 502 if nothing was sent yet, otherwise a cut connection. */
function answerProxyError(exchange: Exchange, error: unknown): void {
  const { res } = exchange;
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const cause = { type: 'fault_proxy_upstream_exception', reason: error instanceof Error ? error.message : String(error) };
  answerFixed(exchange, 502, { error: { root_cause: [cause], ...cause }, status: 502 });
}

/** Forwards the request (body buffered or streamed) and resolves with the target's answer head. */
function requestTarget(exchange: Exchange): Promise<IncomingMessage> {
  const { state, req, res, head, body } = exchange;
  return new Promise((resolve, reject) => {
    const upstream = http.request(
      {
        host: state.target.hostname,
        port: state.target.port,
        method: head.method,
        path: state.target.basePath + head.url,
        headers: targetHeaders(req.headers, state.target, body),
        agent: state.agent,
      },
      resolve,
    );
    upstream.setTimeout(state.upstreamTimeoutMs, () =>
      upstream.destroy(new Error(`target silent for ${state.upstreamTimeoutMs} ms`)),
    );
    upstream.on('error', reject);
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    if (body !== undefined) upstream.end(body);
    else req.pipe(upstream);
  });
}

/** The client's headers for the target: hop headers dropped, host rewritten, and no compression so answers can be rewritten. */
function targetHeaders(headers: IncomingHttpHeaders, target: Target, body: Buffer | undefined): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = withoutHeaders(headers, HOP_HEADERS);
  out.host = target.host;
  out['accept-encoding'] = 'identity';
  if (body !== undefined && (headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined)) {
    delete out['transfer-encoding'];
    out['content-length'] = String(body.length);
  }
  return out;
}

function withoutHeaders<T extends OutgoingHttpHeaders | IncomingHttpHeaders>(headers: T, names: string[]): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !names.includes(name.toLowerCase())) out[name] = value;
  }
  return out;
}

/** Streams the target's answer to the client untouched (hop headers aside). */
function pipeBack(exchange: Exchange, upstream: IncomingMessage): void {
  const { res, entry } = exchange;
  entry.status = upstream.statusCode ?? 502;
  res.writeHead(entry.status, withoutHeaders(upstream.headers, ['connection', 'keep-alive', 'transfer-encoding']));
  upstream.once('close', () => {
    if (!upstream.complete) res.destroy();
  });
  upstream.pipe(res);
}

/** Reads a whole stream, or resolves undefined once it passes {@link MAX_BUFFERED_BYTES}. */
function readBounded(stream: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BUFFERED_BYTES) chunks.push(chunk);
      else {
        stream.pause();
        resolve(undefined);
      }
    });
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
    stream.once('close', () => reject(new Error('stream closed before its end')));
  });
}

/** Forwards and buffers the whole answer; a too-large answer becomes a 502. */
async function fetchWhole(exchange: Exchange): Promise<{ upstream: IncomingMessage; body: Buffer }> {
  const upstream = await requestTarget(exchange);
  const body = await readBounded(upstream);
  if (body === undefined) {
    upstream.destroy();
    throw new Error(`target answer over ${MAX_BUFFERED_BYTES} bytes`);
  }
  return { upstream, body };
}

/** Sends a fixed body with the target's status and headers; content-length recomputed, transfer-encoding dropped. */
function sendWhole(exchange: Exchange, upstream: IncomingMessage, body: Buffer): void {
  exchange.entry.status = upstream.statusCode ?? 502;
  exchange.res.writeHead(exchange.entry.status, {
    ...withoutHeaders(upstream.headers, ['connection', 'keep-alive', 'transfer-encoding', 'content-length']),
    'content-length': String(body.length),
  });
  exchange.res.end(body);
}

async function forwardTruncated(exchange: Exchange, bytes: number | undefined): Promise<void> {
  const { upstream, body } = await fetchWhole(exchange);
  const { res, entry } = exchange;
  // Always at least one byte short, so the client cannot mistake the answer for a whole one.
  const cut = Math.max(0, Math.min(bytes ?? Math.floor(body.length / 2), body.length - 1));
  entry.status = upstream.statusCode ?? 502;
  res.writeHead(entry.status, {
    ...withoutHeaders(upstream.headers, ['connection', 'keep-alive', 'transfer-encoding', 'content-length']),
    'content-length': String(body.length),
  });
  res.flushHeaders();
  // Straight to the socket: the response object would wait for the rest of the body; the socket is destroyed once the part is out.
  const socket = res.socket;
  socket?.write(body.subarray(0, cut), () => socket.destroy());
}

/**
 * Forwards, then lets `rewrite` change the parsed JSON answer in place (returning whether it did).
 * An answer that is not plain JSON, or that `rewrite` leaves alone, is sent as the target sent it.
 */
async function forwardRewritten(exchange: Exchange, rewrite: (json: unknown) => boolean): Promise<void> {
  const { upstream, body } = await fetchWhole(exchange);
  const json = parsePlainJson(upstream, body);
  if (json !== undefined && rewrite(json)) sendWhole(exchange, upstream, Buffer.from(JSON.stringify(json), 'utf8'));
  else sendWhole(exchange, upstream, body);
}

function parsePlainJson(upstream: IncomingMessage, body: Buffer): unknown {
  const encoding = upstream.headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'identity') return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Turns the chosen bulk items into 429 rejections (op key, `_index` and `_id` kept) and sets `errors: true`. */
function rejectBulkItems(json: unknown, chosen: number[] | undefined): boolean {
  if (!isObject(json) || !Array.isArray(json.items)) return false;
  const items: unknown[] = json.items;
  let changed = false;
  for (const index of chosen ?? items.keys()) {
    const item = items[index];
    const op = isObject(item) ? Object.keys(item)[0] : undefined;
    if (!isObject(item) || op === undefined) continue;
    const result = isObject(item[op]) ? (item[op] as JsonObject) : {};
    item[op] = { _index: result._index, _id: result._id, status: 429, error: { ...REJECTED_CAUSE } };
    changed = true;
  }
  if (changed) json.errors = true;
  return changed;
}

/** Reports `failed` lost shards in `_shards` and drops the hits (or count) those shards held. */
function failShards(json: unknown, failed: number): boolean {
  if (!isObject(json) || !isObject(json._shards)) return false;
  const shards = json._shards;
  const index = firstHitIndex(json) ?? 'unknown';
  const alreadyFailed = numberOr(shards.failed, 0);
  shards.successful = Math.max(0, numberOr(shards.successful, 0) - Math.max(0, failed - alreadyFailed));
  shards.failed = failed;
  shards.failures = Array.from({ length: failed }, (_, shard) => ({
    shard,
    index,
    node: 'injected',
    reason: { type: 'node_disconnected_exception', reason: 'injected' },
  }));
  dropLostHits(json);
  return true;
}

function firstHitIndex(json: JsonObject): string | undefined {
  const hits = isObject(json.hits) && Array.isArray(json.hits.hits) ? (json.hits.hits as unknown[]) : [];
  const first = hits.find((hit) => isObject(hit) && typeof hit._index === 'string');
  return isObject(first) ? String(first._index) : undefined;
}

/** Keeps the first half (rounded down) of `hits.hits`, lowers `hits.total` by what went, halves `count`. */
function dropLostHits(json: JsonObject): void {
  if (typeof json.count === 'number') json.count = Math.floor(json.count / 2);
  const hits = json.hits;
  if (!isObject(hits) || !Array.isArray(hits.hits)) return;
  const kept = Math.floor(hits.hits.length / 2);
  const removed = hits.hits.length - kept;
  hits.hits = hits.hits.slice(0, kept);
  if (typeof hits.total === 'number') hits.total = Math.max(0, hits.total - removed);
  else if (isObject(hits.total) && typeof hits.total.value === 'number') hits.total.value = Math.max(0, hits.total.value - removed);
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function markTimedOut(json: unknown): boolean {
  if (!isObject(json)) return false;
  json.timed_out = true;
  return true;
}
