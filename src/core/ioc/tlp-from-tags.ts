import { normalizeTlp } from './normalize-tlp.js';

/** `tlp:amber` (MISP taxonomy) or `cossi:TLP="white"` (CERT-FR machine tag). */
const TLP_TAG = /^(?:tlp:(.+)|[\w-]+:tlp="([^"]*)")$/i;

const RANK: Readonly<Record<string, number>> = { CLEAR: 0, WHITE: 0, GREEN: 1, AMBER: 2, 'AMBER+STRICT': 3, RED: 4 };

/**
 * The TLP level carried by a list of tags, or `undefined`. When tags disagree the most
 * restrictive level wins: sharing less than allowed is safe, sharing more is not.
 */
export function tlpFromTags(tags: readonly string[]): string | undefined {
  return mostRestrictiveTlp(
    tags.map((tag) => {
      const match = TLP_TAG.exec(tag.trim());
      return match ? normalizeTlp(match[1] ?? match[2]) : undefined;
    }),
  );
}

/** The most restrictive of some TLP levels (already normalised), ignoring `undefined`. */
export function mostRestrictiveTlp(levels: readonly (string | undefined)[]): string | undefined {
  let best: string | undefined;
  for (const level of levels) {
    if (level !== undefined && (best === undefined || (RANK[level] ?? 0) > (RANK[best] ?? 0))) best = level;
  }
  return best;
}
