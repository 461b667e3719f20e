import { normalizeTlp } from '../ioc/normalize-tlp.js';

/**
 * The Traffic Light Protocol 2.0 labels (FIRST, https://www.first.org/tlp/), least restrictive
 * first, written as the standard writes them.
 */
export const TLP_LABELS = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'] as const;

export type TlpLabel = (typeof TLP_LABELS)[number];

/**
 * `white`, `TLP:WHITE`, `clear` -> `TLP:CLEAR`; `amber+strict` -> `TLP:AMBER+STRICT`; anything
 * that is not a TLP level -> undefined. TLP 1.0's WHITE is read as 2.0's CLEAR, the level that
 * replaced it, so a report over a WHITE bulletin carries a label TLP 2.0 readers know. IOC
 * documents keep WHITE as their source wrote it (see `normalizeTlp`).
 */
export function parseTlpLabel(raw: string | undefined): TlpLabel | undefined {
  const level = normalizeTlp(raw);
  if (level === undefined) return undefined;
  return `TLP:${level === 'WHITE' ? 'CLEAR' : level}` as TlpLabel;
}

/** 0 for TLP:CLEAR up to 4 for TLP:RED. */
export const tlpRank = (label: TlpLabel): number => TLP_LABELS.indexOf(label);

/**
 * The most restrictive of some labels, undefined when none is given: sharing less than a
 * source allows is safe, sharing more is not.
 */
export function strictestTlp(labels: Iterable<TlpLabel | undefined>): TlpLabel | undefined {
  let strictest: TlpLabel | undefined;
  for (const label of labels) {
    if (label !== undefined && (strictest === undefined || tlpRank(label) > tlpRank(strictest))) strictest = label;
  }
  return strictest;
}
