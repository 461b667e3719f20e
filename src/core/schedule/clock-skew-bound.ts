/** One exchange with the cluster: when the request left and the answer came, by this host's clock, and each node's clock in it. */
export interface ClockExchange {
  sentAt: number;
  receivedAt: number;
  /** Each node's time (epoch ms), read while the request was out. */
  nodeTimes: readonly number[];
}

/**
 * The largest clock difference between this host and any node that the exchange allows, in
 * whole milliseconds. A node read its clock (T) at some local instant between `sentAt` and
 * `receivedAt`, so its offset lies in [T − receivedAt, T − sentAt] and is at most the larger of
 * those two in size: a bound, never an estimate that could be too small, and no tighter than
 * the round trip. Every node counts: any ingest node may stamp `event.ingested`.
 */
export function clockSkewBound(exchange: ClockExchange): number {
  let bound = 0;
  for (const time of exchange.nodeTimes) bound = Math.max(bound, Math.abs(time - exchange.sentAt), Math.abs(time - exchange.receivedAt));
  return Math.ceil(bound);
}
