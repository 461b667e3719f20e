const LEVELS = new Set(['CLEAR', 'WHITE', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED']);

/**
 * `white`, `TLP:AMBER`, `tlp:amber+strict` -> `WHITE`, `AMBER`, `AMBER+STRICT` (the ECS
 * `threat.indicator.marking.tlp` values). `undefined` for anything else. WHITE is kept as
 * WHITE, not rewritten to CLEAR: the report should say what the source said.
 */
export function normalizeTlp(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const level = raw
    .trim()
    .replace(/^tlp\s*:\s*/i, '')
    .replace(/^"|"$/g, '')
    .toUpperCase();
  return LEVELS.has(level) ? level : undefined;
}
