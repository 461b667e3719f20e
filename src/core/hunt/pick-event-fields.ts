type JsonObject = Record<string, unknown>;

/**
 * A deep copy of the parts of an event `_source` under the given dotted paths (`host`,
 * `event.action`...), always in nested form: `{"host.name": "ws1", host: {ip: [...]}}`
 * becomes `{host: {name: "ws1", ip: [...]}}`. Elasticsearch treats both spellings as the
 * same field, so this is the same data in one shape readers can rely on. When one leaf is
 * given in both spellings, its values are concatenated into an array, as Elasticsearch
 * would index them. Nothing outside the paths is copied; `null` values under a path are.
 *
 * Pitfalls handled: `__proto__` keys (possible in JSON from a shipper) are dropped rather
 * than assigned, which would change the copy's prototype; the source is never modified.
 */
export function pickEventFields(source: JsonObject, paths: readonly string[]): JsonObject {
  const out: JsonObject = {};
  walk(source, '', paths, out);
  return out;
}

function walk(node: JsonObject, prefix: string, paths: readonly string[], out: JsonObject): void {
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (value === undefined || value === null) continue;
    const full = prefix === '' ? key : `${prefix}.${key}`;
    if (paths.some((path) => full === path || full.startsWith(`${path}.`))) {
      setPath(out, full.split('.'), copyExpanded(value));
    } else if (isObject(value) && paths.some((path) => path.startsWith(`${full}.`))) {
      walk(value, full, paths, out);
    }
  }
}

/** A deep copy with dotted keys expanded into nested objects. */
function copyExpanded(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyExpanded);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    const child = value[key];
    if (child !== undefined) setPath(out, key.split('.'), copyExpanded(child));
  }
  return out;
}

/** Sets `segments` in `target` (a copy this module owns), merging with what is there. */
function setPath(target: JsonObject, segments: readonly string[], value: unknown): void {
  if (segments.includes('__proto__')) return;
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    const next = node[segment];
    // A scalar where an object is needed cannot be indexed by Elasticsearch either: the object wins.
    if (isObject(next)) node = next;
    else node = node[segment] = {};
  }
  const last = segments[segments.length - 1] ?? '';
  node[last] = merge(node[last], value);
}

function merge(existing: unknown, incoming: unknown): unknown {
  if (existing === undefined) return incoming;
  if (isObject(existing) && isObject(incoming)) {
    for (const key of Object.keys(incoming)) existing[key] = merge(existing[key], incoming[key]);
    return existing;
  }
  return [...asArray(existing), ...asArray(incoming)];
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
