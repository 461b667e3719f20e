import type { IocBatch } from './plan-hunt.js';

type Kind = 'exactIps' | 'cidrs' | keyof IocBatch['values'];

function entries(batch: IocBatch): [Kind, string][] {
  return [
    ...batch.exactIps.map((v): [Kind, string] => ['exactIps', v]),
    ...batch.cidrs.map((v): [Kind, string] => ['cidrs', v]),
    ...(Object.entries(batch.values) as [keyof IocBatch['values'], string[]][]).flatMap(([kind, values]) => values.map((v): [Kind, string] => [kind, v])),
  ];
}

function rebuild(key: string, pairs: readonly [Kind, string][]): IocBatch {
  const batch: IocBatch = { key, exactIps: [], cidrs: [], values: {}, iocCount: pairs.length };
  for (const [kind, value] of pairs) {
    if (kind === 'exactIps' || kind === 'cidrs') batch[kind].push(value);
    else (batch.values[kind] ??= []).push(value);
  }
  return batch;
}

/**
 * Two batches with half the values each, for a query the cluster refused as too large. The
 * values of all kinds are halved together (in batch order), so both halves are non-empty and
 * strictly smaller. Undefined when the batch holds a single value: it cannot shrink further.
 */
export function splitBatch(batch: IocBatch): [IocBatch, IocBatch] | undefined {
  const pairs = entries(batch);
  if (pairs.length <= 1) return undefined;
  const middle = Math.ceil(pairs.length / 2);
  return [rebuild(`${batch.key}a`, pairs.slice(0, middle)), rebuild(`${batch.key}b`, pairs.slice(middle))];
}
