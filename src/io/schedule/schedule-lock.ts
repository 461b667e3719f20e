import { hostname } from 'node:os';
import { bulkOne } from '../engine/bulk-one.js';
import type { Engine } from '../engine/engine.js';
import { LOCK_ID, type ScheduleLockRecord } from '../store/state-records.js';

export type LockResult = { acquired: true } | { acquired: false; holder: ScheduleLockRecord };

/**
 * A lock held through one document in `<prefix>-state`: taken with `op_type: create` (only one
 * creator wins), renewed by a heartbeat with optimistic concurrency (a holder that lost it
 * learns so at its next renewal), taken over once expired (a killed holder never blocks for
 * longer than its expiry), released by deleting it only if still ours.
 */
export class ScheduleLock {
  private seqNo: number | undefined;
  private primaryTerm: number | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly index: string,
    readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  private document(now: number, acquiredAt?: string): ScheduleLockRecord {
    return {
      kind: 'schedule-lock',
      owner: this.owner,
      host: hostname(),
      pid: process.pid,
      acquired_at: acquiredAt ?? new Date(now).toISOString(),
      expires_at: new Date(now + this.ttlMs).toISOString(),
    };
  }

  private async write(op: 'create' | 'index', doc: ScheduleLockRecord, expect?: { seqNo: number; primaryTerm: number }): Promise<boolean> {
    const meta = { _index: this.index, _id: LOCK_ID, ...(expect ? { if_seq_no: expect.seqNo, if_primary_term: expect.primaryTerm } : {}) };
    const item = await bulkOne(this.engine, `${JSON.stringify({ [op]: meta })}\n${JSON.stringify(doc)}\n`, { refresh: true });
    if (item && item.status < 300) {
      const stored = (await this.engine.fetchDocuments(this.index, [LOCK_ID])).get(LOCK_ID);
      if (stored?.source.owner !== this.owner) return false;
      this.seqNo = stored.seqNo;
      this.primaryTerm = stored.primaryTerm;
      return true;
    }
    if (item?.status === 409) return false;
    throw new Error(`schedule lock: HTTP ${item?.status} ${item?.errorType ?? ''}`);
  }

  /** Takes the lock if free or expired. */
  async acquire(now = Date.now()): Promise<LockResult> {
    if (await this.write('create', this.document(now))) return { acquired: true };
    const current = (await this.engine.fetchDocuments(this.index, [LOCK_ID])).get(LOCK_ID);
    if (!current) return this.acquire(now); // released meanwhile
    const holder = current.source as unknown as ScheduleLockRecord;
    if (holder.owner !== this.owner && Date.parse(holder.expires_at) > now) return { acquired: false, holder };
    // Expired (its holder died or hung) or already ours: take it over, unless someone else just did.
    if (await this.write('index', this.document(now), { seqNo: current.seqNo, primaryTerm: current.primaryTerm })) return { acquired: true };
    const winner = (await this.engine.fetchDocuments(this.index, [LOCK_ID])).get(LOCK_ID)?.source as unknown as ScheduleLockRecord | undefined;
    return winner ? { acquired: false, holder: winner } : this.acquire(now);
  }

  /** Extends the expiry; false when the lock was taken over (the caller must stop its work). */
  async renew(now = Date.now()): Promise<boolean> {
    if (this.seqNo === undefined || this.primaryTerm === undefined) return false;
    const current = (await this.engine.fetchDocuments(this.index, [LOCK_ID])).get(LOCK_ID);
    const acquiredAt = (current?.source as unknown as ScheduleLockRecord | undefined)?.acquired_at;
    return this.write('index', this.document(now, acquiredAt), { seqNo: this.seqNo, primaryTerm: this.primaryTerm });
  }

  /** Deletes the lock if it is still ours. */
  async release(): Promise<void> {
    if (this.seqNo === undefined || this.primaryTerm === undefined) return;
    const meta = { _index: this.index, _id: LOCK_ID, if_seq_no: this.seqNo, if_primary_term: this.primaryTerm };
    await bulkOne(this.engine, `${JSON.stringify({ delete: meta })}\n`, { refresh: true });
    this.seqNo = undefined;
    this.primaryTerm = undefined;
  }
}
