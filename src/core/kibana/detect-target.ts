import type { SavedObjectsTarget } from './build-saved-objects.js';

/** Kibana exports carry `coreMigrationVersion`/`typeMigrationVersion`; Dashboards ones only `migrationVersion`. */
export function detectTarget(ndjson: string): SavedObjectsTarget {
  if (/"(?:core|type)MigrationVersion"\s*:/.test(ndjson)) return 'kibana';
  return /"migrationVersion"\s*:/.test(ndjson) ? 'dashboards' : 'kibana';
}
