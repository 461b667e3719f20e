import { resolveHint } from './resolve-hint.js';

/**
 * Splits a MISP composite attribute (`domain|ip`, `ip-dst|port`, `filename|sha256`,
 * `hostname|port`) into `[hint, value]` pairs, keeping only the parts iochunt can match:
 * `domain|ip` yields two pairs, `ip-dst|port` yields the IP, `filename|md5` the hash.
 *
 * Plain types come back unchanged as one pair. When the value does not have as many
 * `|`-separated parts as the type, or no part is matchable, the pair `[type, value]` is
 * returned as is, so that `normalizeIndicator` rejects it with a reason that names the type.
 */
export function splitMispValue(type: string, value: string): [string, string][] {
  if (!type.includes('|')) return [[type, value]];
  const types = type.split('|');
  const values = value.split('|');
  if (types.length !== values.length) return [[type, value]];
  const pairs = types
    .map((partType, index): [string, string] => [partType, values[index] ?? ''])
    .filter(([partType]) => resolveHint(partType) !== undefined);
  return pairs.length > 0 ? pairs : [[type, value]];
}
