import type { MonthCount } from '../../core/hunt/occupied-slices.js';
import type { HuntPlan } from '../../core/hunt/plan-hunt.js';
import type { Engine } from '../engine/engine.js';

/**
 * Per index group of a plan, the UTC months in which it holds events inside the plan's range, with
 * their counts: one `size: 0` search each, a date histogram of the plan's timestamp field (the
 * field and range the units filter on). For `keepOccupiedUnits` and `sizeSlicesByVolume`, so a
 * hunt plans units only where the data is, sized by its volume. An
 * answer that not every shard gave is refused by the engine port, never read as "no events".
 */
export async function fetchEventMonths(engine: Engine, plan: HuntPlan): Promise<Map<number, MonthCount[]>> {
  const months = new Map<number, MonthCount[]>();
  if (plan.units.length === 0) return months;
  for (const [g, group] of plan.groups.entries()) {
    const answer = await engine.search(group.indices.join(','), {
      size: 0,
      query: { range: { [plan.timestampField]: { gte: plan.since, lt: plan.until, format: 'strict_date_optional_time' } } },
      aggs: { months: { date_histogram: { field: plan.timestampField, calendar_interval: 'month', time_zone: 'UTC', min_doc_count: 1, format: 'yyyy-MM' } } },
    });
    const buckets = (answer.aggregations as { months?: { buckets?: { key_as_string?: string; doc_count: number }[] } } | undefined)?.months?.buckets ?? [];
    months.set(
      g,
      buckets.filter((bucket) => bucket.doc_count > 0 && bucket.key_as_string !== undefined).map((bucket) => ({ month: bucket.key_as_string as string, count: bucket.doc_count })),
    );
  }
  return months;
}
