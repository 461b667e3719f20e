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

interface Entry {
  action: BulkAction;
  lines: string;
}

const DEFAULT_FLUSH_BYTES = 5 * 1024 * 1024;

/**
 * Streams documents into `_bulk` requests: flushes by bytes, keeps at most `concurrency`
 * requests in flight (so `add` waits when the cluster is slower than the producer), re-sends
 * items rejected with 429 after a jittered backoff, and reports every document it drops.
 * Whole-request 429/503 are retried by the engine's call policy.
 *
 * Pitfall: call {@link BulkWriter.close} at the end, or the last partial request is never sent.
 */
export class BulkWriter {
  private buffer: Entry[] = [];
  private bufferBytes = 0;
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
  }

  /** Queues one document; resolves when it is buffered (possibly after waiting for room). */
  async add(action: BulkAction, document: Record<string, unknown>): Promise<void> {
    this.throwIfFailed();
    const lines = `${JSON.stringify({ [action.op]: actionMeta(action) })}\n${JSON.stringify(document)}\n`;
    this.buffer.push({ action, lines });
    this.bufferBytes += lines.length; // UTF-16 units: exact for ASCII JSON, close enough to flush by
    if (this.bufferBytes >= this.flushBytes) await this.dispatch();
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

  private async dispatch(): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.bufferBytes = 0;
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    this.throwIfFailed();
    const request = this.send(batch).catch((error: unknown) => {
      this.failure ??= error;
    });
    this.inFlight.add(request);
    void request.finally(() => this.inFlight.delete(request));
  }

  private async send(batch: Entry[]): Promise<void> {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const body = pending.map((entry) => entry.lines).join('');
      this.totals.requests += 1;
      this.totals.bytes += Buffer.byteLength(body);
      const items = await this.options.engine.bulk(body);
      const rejected: Entry[] = [];
      items.forEach((item, i) => {
        const entry = pending[i];
        if (!entry) return;
        // A 429 is "try again later", unless it is a block (flood-stage watermark): that stays.
        if (item.status === 429 && item.errorType !== 'cluster_block_exception' && attempt < this.retry.attempts) rejected.push(entry);
        else this.account(entry, item);
      });
      if (rejected.length === 0) return;
      this.totals.retried += rejected.length;
      await sleep(backoffDelay(attempt, this.retry), undefined, this.options.signal ? { signal: this.options.signal } : undefined);
      pending = rejected;
    }
  }

  private account(entry: Entry, item: BulkItemResult): void {
    if (item.status >= 200 && item.status < 300) {
      this.totals.written += 1;
      if (item.result === 'created') this.totals.created += 1;
      else this.totals.updated += 1;
    } else if (item.status === 409 && entry.action.op === 'create') {
      this.totals.conflicts += 1;
    } else {
      this.totals.dropped += 1;
      this.options.onDrop?.({
        action: entry.action,
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
