import type { BulkItemResult } from './engine.js';

interface RawBulkItem {
  status?: number;
  result?: string;
  _id?: string | null;
  error?: { type?: string; reason?: string | null } | null;
}

/** Flattens `{ items: [{ index: {...} }, { create: {...} }] }` into one result per item. */
export function flattenBulkItems(items: readonly Record<string, RawBulkItem | undefined>[]): BulkItemResult[] {
  return items.map((item) => {
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
