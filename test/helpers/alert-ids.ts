import { buildResourceNames } from '../../src/core/resource-names.js';
import type { Engine } from '../../src/io/engine/engine.js';

/** Every alert id of a prefix's alerts index, sorted: what tests compare with an undisturbed run. */
export async function fetchAlertIds(engine: Engine, prefix: string): Promise<string[]> {
  const { alerts } = buildResourceNames(prefix);
  await engine.refresh(alerts);
  const ids: string[] = [];
  for await (const page of engine.scanDocuments({ index: alerts, source: false })) ids.push(...page.map((h) => h.id));
  return ids.sort();
}

/** The indices a prefix leaves behind after sync and hunt (for test cleanup). */
export function prefixIndices(prefix: string): string[] {
  const names = buildResourceNames(prefix);
  return [names.iocs, names.state, `${names.alerts}-000001`];
}
