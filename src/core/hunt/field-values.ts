/**
 * A dotted field path prepared for repeated lookups: for each segment index, the keys an
 * object at that depth may hold (`source`, `source.nat`, `source.nat.ip` for the first
 * segment of `source.nat.ip`), so walking a `_source` allocates no strings.
 */
export interface FieldPath {
  readonly path: string;
  /** `keys[start][k]` joins segments `start..start+k`; the walk continues at `start+k+1`. */
  readonly keys: readonly (readonly string[])[];
}

/** Splits `path` once; reuse the result for every event (see {@link collectFieldValues}). */
export function compileFieldPath(path: string): FieldPath {
  const segments = path.split('.');
  const keys = segments.map((_, start) => segments.slice(start).map((_, k) => segments.slice(start, start + k + 1).join('.')));
  return { path, keys };
}

/**
 * Appends to `out` every string and number found at `path` in `source`, in document order.
 * Same rules as {@link fieldValues}; this form lets a hot loop reuse one compiled path and
 * one output array.
 */
export function collectFieldValues(source: unknown, path: FieldPath, out: unknown[]): void {
  walk(source, path.keys, 0, out);
}

/**
 * Every value at a dotted ECS path in an Elasticsearch `_source`, as Elasticsearch itself
 * would index it: `{source: {ip}}`, `{"source.ip": ...}` and mixtures such as
 * `{source: {"nat.ip": ...}}` are the same field, and both spellings may occur in one
 * document (all values are returned). Arrays are flattened at any depth, including arrays
 * of objects (`{related: [{ip: a}, {ip: b}]}`).
 *
 * Only strings and numbers are returned; `null`, `undefined`, booleans and objects at the
 * end of the path are skipped. Only own properties are read, so a path such as
 * `constructor.name` never reaches `Object.prototype`.
 */
export function fieldValues(source: Record<string, unknown>, path: string): unknown[] {
  const out: unknown[] = [];
  collectFieldValues(source, compileFieldPath(path), out);
  return out;
}

function walk(node: unknown, keys: FieldPath['keys'], start: number, out: unknown[]): void {
  if (node === null || node === undefined) return;
  if (start === keys.length) {
    collectLeaf(node, out);
    return;
  }
  if (Array.isArray(node)) {
    for (const element of node) walk(element, keys, start, out);
    return;
  }
  if (typeof node !== 'object') return;
  const candidates = keys[start] ?? [];
  for (let k = 0; k < candidates.length; k++) {
    const key = candidates[k] as string;
    if (Object.hasOwn(node, key)) walk((node as Record<string, unknown>)[key], keys, start + k + 1, out);
  }
}

function collectLeaf(node: unknown, out: unknown[]): void {
  if (typeof node === 'string' || typeof node === 'number') out.push(node);
  else if (Array.isArray(node)) for (const element of node) collectLeaf(element, out);
}
