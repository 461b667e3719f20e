import type { IocBatch } from './plan-hunt.js';

type Kind = 'exactIps' | 'cidrs' | keyof IocBatch['values'];

function entries(batch: IocBatch): [Kind, string][] {
  return [
    ...batch.exactIps.map((v): [Kind, string] => ['exactIps', v]),
    ...batch.cidrs.map((v): [Kind, string] => ['cidrs', v]),
    ...(Object.entries(batch.values) as [keyof IocBatch['values'], string[]][]).flatMap(([kind, values]) => values.map((v): [Kind, string] => [kind, v])),
  ];
}

function rebuild(key: string, pairs: readonly [Kind, string][], subdomains: IocBatch['subdomains']): IocBatch {
  const batch: IocBatch = { key, exactIps: [], cidrs: [], values: {}, iocCount: pairs.length };
  const registered = new Set(subdomains?.registered);
  const suffixes = new Set(subdomains?.suffixes);
  const half = { registered: [] as string[], suffixes: [] as string[] };
  for (const [kind, value] of pairs) {
    if (kind === 'exactIps' || kind === 'cidrs') batch[kind].push(value);
    else (batch.values[kind] ??= []).push(value);
    if (kind !== 'domain') continue;
    if (registered.has(value)) half.registered.push(value);
    else if (suffixes.has(value)) half.suffixes.push(value);
  }
  if (half.registered.length + half.suffixes.length > 0) batch.subdomains = half;
  return batch;
}

/**
 * Two batches with half the values each, for a query the cluster refused as too large. The
 * values of all kinds are halved together (in batch order), so both halves are non-empty and
 * strictly smaller; a domain that matches subdomains keeps doing so in its half. Undefined
 * when the batch holds a single value: it cannot shrink further.
 */
export function splitBatch(batch: IocBatch): [IocBatch, IocBatch] | undefined {
  const pairs = entries(batch);
  if (pairs.length <= 1) return undefined;
  const middle = Math.ceil(pairs.length / 2);
  return [rebuild(`${batch.key}a`, pairs.slice(0, middle), batch.subdomains), rebuild(`${batch.key}b`, pairs.slice(middle), batch.subdomains)];
}
