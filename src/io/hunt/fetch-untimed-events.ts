import { buildUntimedQuery, type HuntPlan } from '../../core/hunt/plan-hunt.js';
import type { Engine } from '../engine/engine.js';

/** Events of one index that touch hunted IOCs but carry no readable `@timestamp`. */
export interface UntimedEvents {
  index: string;
  count: number;
  /** A few of their `_id`s, to look them up. */
  samples: string[];
}

const SAMPLES = 3;

/** Events without `@timestamp`, whatever they touch: one cheap count per group, no IOC clause. */
const UNTIMED = { bool: { must_not: [{ exists: { field: '@timestamp' } }] } };

/**
 * Per index, the events that touch the plan's IOCs yet have no `@timestamp` the engine read:
 * they cannot fall in any time range, so a hunt would miss them without a word. One count per
 * group says whether its indices hold any event without `@timestamp` (most hold none), and only
 * then are they searched with the IOC clauses, once per batch (bounded suffix queries over
 * hundreds of indices timed out on a 1 GB node). Returns them sorted by index.
 */
export async function fetchUntimedEvents(engine: Engine, plan: HuntPlan): Promise<UntimedEvents[]> {
  const byIndex = new Map<string, UntimedEvents>();
  for (let g = 0; g < plan.groups.length; g++) {
    const indices = plan.groups[g]!.indices;
    if ((await engine.countDocuments(indices.join(','), UNTIMED)) === 0) continue;
    for (let b = 0; b < plan.batches.length; b++) {
      const answer = await engine.search(indices.join(','), {
        size: SAMPLES,
        _source: false,
        track_total_hits: true,
        query: buildUntimedQuery(plan, g, b),
        aggs: { indices: { terms: { field: '_index', size: 1000 } } },
      });
      const buckets = (answer.aggregations as { indices?: { buckets?: { key: string; doc_count: number }[] } } | undefined)?.indices?.buckets ?? [];
      for (const bucket of buckets) {
        const entry = byIndex.get(bucket.key) ?? { index: bucket.key, count: 0, samples: [] };
        entry.count += bucket.doc_count;
        byIndex.set(bucket.key, entry);
      }
      const hits = (answer.hits as { hits?: { _index: string; _id: string }[] } | undefined)?.hits ?? [];
      for (const hit of hits) {
        const entry = byIndex.get(hit._index);
        if (entry && entry.samples.length < SAMPLES && !entry.samples.includes(hit._id)) entry.samples.push(hit._id);
      }
    }
  }
  return [...byIndex.values()].sort((a, b) => (a.index < b.index ? -1 : 1));
}
