import type { Match } from './ioc-matcher.js';

/** `threat.enrichments.matched.type`: how the match was found. */
export type MatchedType = 'iochunt_retro_hunt' | 'iochunt_live_tag';

/** One ECS `threat.enrichments[]` element, as iochunt writes it. */
export interface ThreatEnrichment {
  /** A copy of the IOC document's `threat.indicator`. */
  indicator: Record<string, unknown>;
  feed: { name: string[] };
  matched: {
    atomic: string;
    field: string;
    /** The IOC document's `_id`. */
    id: string;
    /** The index holding the IOC document. */
    index: string;
    /** The event's `@timestamp`, as in the event (absent if the event has none). */
    occurred?: string | number;
    type: MatchedType;
  };
}

export interface BuildEnrichmentOptions {
  match: Match;
  /** The index of the IOC document (`<prefix>-iocs` or its concrete index). */
  iocIndex: string;
  /** The event's `@timestamp` as it appears in `_source`; anything but a string or number is left out. */
  occurred: unknown;
  matchedType: MatchedType;
}

/**
 * The `threat.enrichments[]` element for one match (README `iochunt hunt`, "Alerts"), shared by
 * retro-hunt alerts and live tagging so both have exactly the same shape. `feed.name` lists
 * the IOC's active feeds, or all its feeds when none is active (an IOC deactivated after
 * the hunt started still says where it came from). Pure: the indicator is deep-copied, so
 * later changes to the alert never reach the IOC document.
 */
export function buildEnrichment(options: BuildEnrichmentOptions): ThreatEnrichment {
  const { match, iocIndex, occurred, matchedType } = options;
  const { threat, iochunt } = match.ioc.document;
  const feeds = iochunt.active_feeds.length > 0 ? iochunt.active_feeds : threat.feed.name;
  return {
    indicator: structuredClone(threat.indicator),
    feed: { name: [...feeds] },
    matched: {
      atomic: match.atomic,
      field: match.field,
      id: match.ioc.id,
      index: iocIndex,
      ...(typeof occurred === 'string' || typeof occurred === 'number' ? { occurred } : {}),
      type: matchedType,
    },
  };
}
