import type { BulkItemResult } from './engine.js';

/**
 * Only what {@link flattenBulkItems} reads: a bulk of 10,000 documents otherwise answers with
 * ~3 MB of `_index`, `_version`, `_shards`... that the client must parse.
 */
export const BULK_FILTER = 'items.*.status,items.*.result,items.*._id,items.*.error.type,items.*.error.reason';

interface RawBulkItem {
  status?: number;
  result?: string;
  _id?: string | null;
  error?: { type?: string; reason?: string | null } | null;
}

/** Flattens `{ items: [{ index: {...} }, { create: {...} }] }` into one result per item. */
export function flattenBulkItems(items: readonly Record<string, RawBulkItem | undefined>[] | undefined): BulkItemResult[] {
  return (items ?? []).map((item) => {
    const inner = Object.values(item)[0] ?? {};
    return {
      status: inner.status ?? 0,
      id: inner._id ?? '',
      ...(inner.result ? { result: inner.result } : {}),
      ...(inner.error?.type ? { errorType: inner.error.type } : {}),
      ...(inner.error?.reason ? { errorReason: inner.error.reason } : {}),
    };
  });
}
