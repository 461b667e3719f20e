import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageInfo } from './package-info.js';

const cache = new Map<string, Record<string, unknown>>();

/**
 * A JSON file shipped with the package (`mappings/iocs.json`, `pipelines/...`), without its
 * `_comment` keys. Returns a fresh deep copy, so callers may fill it in.
 */
export function loadResource(folder: 'mappings' | 'pipelines', name: string): Record<string, unknown> {
  const key = `${folder}/${name}`;
  let parsed = cache.get(key);
  if (!parsed) {
    const text = readFileSync(join(packageInfo().root, folder, `${name}.json`), 'utf8');
    parsed = JSON.parse(text, (k, v: unknown) => (k === '_comment' ? undefined : v)) as Record<string, unknown>;
    cache.set(key, parsed);
  }
  return structuredClone(parsed);
}
