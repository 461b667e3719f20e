import type { IndexFieldTypes, ResolvedIndex } from './engine.js';

/** `GET _resolve/index/...`, as both Elasticsearch 8 and OpenSearch 2 answer it. */
export interface ResolveBody {
  indices?: { name: string; attributes?: string[]; data_stream?: string }[];
  aliases?: { name: string; indices: string[] }[];
  data_streams?: { name: string; backing_indices: string[] }[];
}

/** `_field_caps` with several indices: per field, per type, the indices that map it so (absent = all). */
export interface FieldCapsBody {
  indices?: string[] | string;
  fields?: Record<string, Record<string, { indices?: string[]; type?: string }>>;
}

/**
 * Concrete indices, closed ones flagged, each at most once: the indices a pattern matched,
 * plus the members of matched aliases and the backing indices of matched data streams (which
 * `indices` leaves out when they are hidden, as `.ds-*` backing indices are).
 */
export function parseResolved(body: ResolveBody): ResolvedIndex[] {
  const found = new Map<string, ResolvedIndex>();
  for (const index of body.indices ?? []) {
    found.set(index.name, {
      name: index.name,
      closed: (index.attributes ?? []).includes('closed'),
      ...(index.data_stream ? { dataStream: index.data_stream } : {}),
    });
  }
  for (const alias of body.aliases ?? []) for (const name of alias.indices) if (!found.has(name)) found.set(name, { name, closed: false });
  for (const stream of body.data_streams ?? []) {
    for (const name of stream.backing_indices) if (!found.has(name)) found.set(name, { name, closed: false, dataStream: stream.name });
  }
  return [...found.values()];
}

/**
 * Per concrete index, the type of each field it maps, from `_field_caps` asked with
 * `include_unmapped=true`: a type entry without `indices` covers every index not listed under
 * another entry of that field (`unmapped` included), so indices lacking a field never get it.
 */
export function parseFieldCaps(body: FieldCapsBody, requested: readonly string[]): Map<string, IndexFieldTypes> {
  const all = Array.isArray(body.indices) ? body.indices : typeof body.indices === 'string' ? [body.indices] : [...requested];
  const result = new Map<string, IndexFieldTypes>(all.map((name) => [name, new Map()]));
  for (const [field, byType] of Object.entries(body.fields ?? {})) {
    const listed = new Set(Object.values(byType).flatMap((caps) => caps.indices ?? []));
    for (const [type, caps] of Object.entries(byType)) {
      if (type === 'unmapped' || type === 'object' || type === 'nested') continue;
      for (const index of caps.indices ?? all.filter((name) => !listed.has(name))) {
        let types = result.get(index);
        if (!types) result.set(index, (types = new Map()));
        types.set(field, type);
      }
    }
  }
  return result;
}
