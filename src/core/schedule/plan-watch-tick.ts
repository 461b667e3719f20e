import { settledWindowStart, type HuntWatermark } from '../hunt/plan-hunt-phases.js';

export interface PlanWatchTickInput {
  /** This host's clock (epoch ms). */
  now: number;
  /** The settle delay ({@link buildSettleDelay}). */
  settleMs: number;
  /** The committed IOC-set version. */
  setVersion: number;
  /** Where the last completed hunt over the watched scope left off; none before the first. */
  watermark?: HuntWatermark;
}

/** The span of `event.ingested` (or `@timestamp`) a tick looks at: `from` inclusive, `until` exclusive, ISO. */
export interface WatchWindow {
  from: string;
  until: string;
}

/**
 * What a watch tick does before it takes the lock:
 * - `hunt`: a reason no count can rule it out (no watermark yet: the first hunt is a full one;
 *   IOCs newer than the watermark: their history is hunted);
 * - `idle`: the window is empty (this host's clock went back), nothing can be new;
 * - `check`: count the events of `query` over the hunted patterns; none means idle.
 */
export type WatchTickPlan =
  | { kind: 'hunt'; reason: 'first hunt' | 'new IOCs' }
  | { kind: 'idle'; window: WatchWindow }
  | { kind: 'check'; window: WatchWindow; query: Record<string, unknown> };

/**
 * The watch tick's decision (README "Near-live: iochunt watch"). The window is the one the
 * hunt would search: from {@link settledWindowStart} to now − the settle delay. The count asks
 * for any event whose `event.ingested` or `@timestamp` lies in it, whichever the hunt would
 * use and whichever an event carries (an index may map `event.ingested` that a shipper does
 * not fill): a superset, so a count of 0 proves the hunt would find nothing. An idle tick moves
 * no watermark, so events that turn searchable later are still in the next window. Pure.
 */
export function planWatchTick(input: PlanWatchTickInput): WatchTickPlan {
  const { watermark } = input;
  if (!watermark) return { kind: 'hunt', reason: 'first hunt' };
  if (input.setVersion > watermark.setVersion) return { kind: 'hunt', reason: 'new IOCs' };
  const window = { from: settledWindowStart(watermark, input.settleMs), until: new Date(input.now - input.settleMs).toISOString() };
  if (window.from >= window.until) return { kind: 'idle', window };
  const range = { gte: window.from, lt: window.until, format: 'strict_date_optional_time' };
  const query = { bool: { should: [{ range: { 'event.ingested': range } }, { range: { '@timestamp': range } }], minimum_should_match: 1 } };
  return { kind: 'check', window, query };
}

/** The tick's warning when the window is on `@timestamp`: events that arrive late are outside it. */
export function lateEventsWarning(timestampField: string): string | undefined {
  if (timestampField === 'event.ingested') return undefined;
  return `the window is on ${timestampField} (event.ingested is not mapped as a date on every hunted index): events that arrive late, with an older ${timestampField}, can be missed`;
}
