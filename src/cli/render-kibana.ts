import type { SavedObject, SavedObjectsTarget } from '../core/kibana/build-saved-objects.js';
import type { ImportSavedObjectsResult } from '../io/kibana/import-saved-objects.js';

export const PRODUCT: Record<SavedObjectsTarget, string> = { kibana: 'Kibana', dashboards: 'OpenSearch Dashboards' };

/** id, type and title of each object, for `--json`. */
export function summarizeObjects(objects: readonly SavedObject[]): { id: string; type: string; title: string }[] {
  return objects.map((o) => ({ id: o.id, type: o.type, title: String(o.attributes.title) }));
}

/** One line per imported or refused object, then the count. */
export function renderImport(result: ImportSavedObjectsResult, target: SavedObjectsTarget, url: string): string {
  const width = Math.max(...result.results.map((r) => r.type.length));
  const lines = result.results.map((r) => {
    const what = `${r.type.padEnd(width)}  ${r.id}${r.title ? `  "${r.title}"` : ''}`;
    if (!r.ok) return `failed    ${what}: ${r.error ?? 'refused'}`;
    return `imported  ${what}${r.destinationId ? ` (stored as ${r.destinationId})` : ''}`;
  });
  const done = result.results.filter((r) => r.ok).length;
  lines.push(`${done}/${result.results.length} saved object(s) imported into ${PRODUCT[target]} at ${url}`);
  return lines.join('\n');
}
