import type { IocBatch } from './plan-hunt.js';

function halve<T>(values: readonly T[] | undefined): [T[], T[]] {
  const list = values ?? [];
  const middle = Math.ceil(list.length / 2);
  return [list.slice(0, middle), list.slice(middle)];
}

/**
 * Two batches with half the values each (every kind halved), for a query the cluster refused
 * as too large. Undefined when the batch holds a single value: it cannot shrink further.
 */
export function splitBatch(batch: IocBatch): [IocBatch, IocBatch] | undefined {
  const size = batch.exactIps.length + batch.cidrs.length + Object.values(batch.values).reduce((n, v) => n + v.length, 0);
  if (size <= 1) return undefined;
  const [ipsA, ipsB] = halve(batch.exactIps);
  const [cidrsA, cidrsB] = halve(batch.cidrs);
  const valuesA: IocBatch['values'] = {};
  const valuesB: IocBatch['values'] = {};
  for (const [kind, values] of Object.entries(batch.values) as [keyof IocBatch['values'], string[]][]) {
    const [a, b] = halve(values);
    if (a.length > 0) valuesA[kind] = a;
    if (b.length > 0) valuesB[kind] = b;
  }
  const count = (b: Omit<IocBatch, 'key' | 'iocCount'>): number => b.exactIps.length + b.cidrs.length + Object.values(b.values).reduce((n, v) => n + v.length, 0);
  const a = { exactIps: ipsA, cidrs: cidrsA, values: valuesA };
  const b = { exactIps: ipsB, cidrs: cidrsB, values: valuesB };
  return [
    { key: `${batch.key}a`, ...a, iocCount: count(a) },
    { key: `${batch.key}b`, ...b, iocCount: count(b) },
  ];
}
