import { setTimeout as sleep } from 'node:timers/promises';
import type { BulkItemResult, Engine } from './engine.js';
import { backoffDelay, DEFAULT_RETRY, type RetryOptions } from './retry.js';

export interface BulkAction {
  op: 'index' | 'create';
  index: string;
  id?: string;
  /** Optimistic concurrency: write only if the stored document is still this version. */
  ifSeqNo?: number;
  ifPrimaryTerm?: number;
}

export interface DroppedDocument {
  action: BulkAction;
  status: number;
  errorType?: string;
  reason?: string;
}

export interface BulkTotals {
  /** Documents acknowledged as written (created or updated). */
  written: number;
  created: number;
  updated: number;
  /** `create` on an existing id: for idempotent ids this means "already there", not a failure. */
  conflicts: number;
  dropped: number;
  /** Item-level retries after 429 rejections. */
  retried: number;
  requests: number;
  bytes: number;
}

export interface BulkWriterOptions {
  engine: Engine;
  /** Flush a request once its body reaches this size. Default 5 MiB. */
  flushBytes?: number;
  /** Requests in flight at once. Default 2. */
  concurrency?: number;
  retry?: Partial<RetryOptions>;
  signal?: AbortSignal;
  /** Called for every document that could not be written (after retries). */
  onDrop?: (dropped: DroppedDocument) => void;
}

/** One request's worth of documents: their NDJSON bytes, and where each document's two lines end. */
interface Batch {
  body: Buffer;
  actions: BulkAction[];
  /** `ends[i]`: the offset in `body` just past document i's source line. */
  ends: number[];
}

const DEFAULT_FLUSH_BYTES = 5 * 1024 * 1024;
/** Room past the flush size, so the document that crosses it rarely needs a larger buffer. */
const SLACK_BYTES = 256 * 1024;
const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

/**
 * Streams documents into `_bulk` requests: flushes by bytes, keeps at most `concurrency`
 * requests in flight (so `add` waits when the cluster is slower than the producer), re-sends
 * items rejected with 429 after a jittered backoff, and reports every document it drops.
 * Whole-request 429/503 are retried by the engine's call policy.
 *
 * Each document is encoded as UTF-8 into the request's buffer as it is added, so its JSON text
 * dies young and a request is sent as the bytes it already is (no per-document strings kept,
 * no join): a sync of a million IOCs or a dense hunt spends its time writing, not collecting
 * garbage. Buffers are reused once their request is answered.
 *
 * Pitfall: call {@link BulkWriter.close} at the end, or the last partial request is never sent.
 */
export class BulkWriter {
  private batch: Batch;
  private used = 0;
  private readonly spare: Buffer[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;
  private readonly flushBytes: number;
  private readonly concurrency: number;
  private readonly retry: RetryOptions;
  readonly totals: BulkTotals = { written: 0, created: 0, updated: 0, conflicts: 0, dropped: 0, retried: 0, requests: 0, bytes: 0 };

  constructor(private readonly options: BulkWriterOptions) {
    this.flushBytes = options.flushBytes ?? DEFAULT_FLUSH_BYTES;
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.batch = { body: EMPTY, actions: [], ends: [] };
  }

  /** Queues one document; resolves when it is buffered (possibly after waiting for room). */
  async add(action: BulkAction, document: Record<string, unknown>): Promise<void> {
    this.throwIfFailed();
    const meta = JSON.stringify({ [action.op]: actionMeta(action) });
    const source = JSON.stringify(document);
    // UTF-8 takes at most 3 bytes per UTF-16 unit: room for that, without measuring first.
    const room = 3 * (meta.length + source.length) + 2;
    if (this.used + room > this.batch.body.length) this.reserve(room);
    const body = this.batch.body;
    this.used += body.write(meta, this.used);
    body[this.used++] = NEWLINE;
    this.used += body.write(source, this.used);
    body[this.used++] = NEWLINE;
    this.batch.actions.push(action);
    this.batch.ends.push(this.used);
    if (this.used >= this.flushBytes) await this.dispatch();
  }

  /** Sends what is buffered and waits for every request in flight; the writer stays usable. */
  async flush(): Promise<BulkTotals> {
    await this.dispatch();
    await Promise.all(this.inFlight);
    this.throwIfFailed();
    return this.totals;
  }

  /** Same as {@link BulkWriter.flush}: call it once the last document is added. */
  async close(): Promise<BulkTotals> {
    return this.flush();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
    this.options.signal?.throwIfAborted();
  }

  /**
   * Room for `room` more bytes: a buffer of the flush size plus slack (a spare one when it is
   * big enough) for a new request, or a larger copy when one document outgrows the slack.
   */
  private reserve(room: number): void {
    const wanted = this.used + Math.max(room, SLACK_BYTES) + this.flushBytes;
    const spare = this.used === 0 ? this.spare.pop() : undefined;
    const body = spare && spare.length >= wanted ? spare : Buffer.allocUnsafe(wanted);
    this.batch.body.copy(body, 0, 0, this.used);
    this.batch.body = body;
  }

  private async dispatch(): Promise<void> {
    if (this.batch.actions.length === 0) return;
    const batch = { ...this.batch, body: this.batch.body.subarray(0, this.used) };
    const buffer = this.batch.body;
    this.batch = { body: EMPTY, actions: [], ends: [] };
    this.used = 0;
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    this.throwIfFailed();
    const request = this.send(batch)
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => {
        if (this.spare.length <= this.concurrency) this.spare.push(buffer);
      });
    this.inFlight.add(request);
    void request.finally(() => this.inFlight.delete(request));
  }

  private async send(batch: Batch): Promise<void> {
    let body = batch.body;
    let pending = batch.actions.map((action, i) => ({ action, start: i === 0 ? 0 : batch.ends[i - 1]!, end: batch.ends[i]! }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      this.totals.requests += 1;
      this.totals.bytes += body.length;
      const items = await this.options.engine.bulk(body);
      const rejected: typeof pending = [];
      items.forEach((item, i) => {
        const entry = pending[i];
        if (!entry) return;
        // A 429 is "try again later", unless it is a block (flood-stage watermark): that stays.
        if (item.status === 429 && item.errorType !== 'cluster_block_exception' && attempt < this.retry.attempts) rejected.push(entry);
        else this.account(entry.action, item);
      });
      if (rejected.length === 0) return;
      this.totals.retried += rejected.length;
      await sleep(backoffDelay(attempt, this.retry), undefined, this.options.signal ? { signal: this.options.signal } : undefined);
      // The re-sent items, copied out of this request's bytes (which go back to the spare buffers).
      const parts = rejected.map((entry) => body.subarray(entry.start, entry.end));
      body = Buffer.concat(parts);
      let offset = 0;
      pending = rejected.map((entry) => {
        const start = offset;
        offset += entry.end - entry.start;
        return { action: entry.action, start, end: offset };
      });
    }
  }

  private account(action: BulkAction, item: BulkItemResult): void {
    if (item.status >= 200 && item.status < 300) {
      this.totals.written += 1;
      if (item.result === 'created') this.totals.created += 1;
      else this.totals.updated += 1;
    } else if (item.status === 409 && action.op === 'create') {
      this.totals.conflicts += 1;
    } else {
      this.totals.dropped += 1;
      this.options.onDrop?.({
        action,
        status: item.status,
        ...(item.errorType ? { errorType: item.errorType } : {}),
        ...(item.errorReason ? { reason: item.errorReason } : {}),
      });
    }
  }
}

function actionMeta(action: BulkAction): Record<string, unknown> {
  return {
    _index: action.index,
    ...(action.id === undefined ? {} : { _id: action.id }),
    ...(action.ifSeqNo === undefined ? {} : { if_seq_no: action.ifSeqNo, if_primary_term: action.ifPrimaryTerm }),
  };
}
