/**
 * The product's defaults, each defined once (README "Commands"). The CLI's flag defaults, the
 * library's option defaults and the pure planners all read them from here.
 */

/** Prefix of every index, pipeline and policy name (`--prefix`). */
export const DEFAULT_PREFIX = 'iochunt';

/** The prefix `iochunt demo` uses unless one is given, so a demo never touches real data. */
export const DEMO_PREFIX = 'iochunt-demo';

/** Where `iochunt demo` writes its report and saved objects (`--out-dir`), relative to the working directory. */
export const DEFAULT_DEMO_OUT_DIR = 'iochunt-demo';

/**
 * Where retro-hunts of a feed start (`sync --hunt-from`), and where a hunt or report starts when
 * no IOC says otherwise: ANSSI's CERTFR-2021-IOC-003 asks for searches from the beginning of 2021.
 */
export const DEFAULT_HUNT_FROM = '2021-01-01T00:00:00.000Z';

/** Index patterns hunted without `--index` (Elastic Agent data streams and the Beats' indices). */
export const DEFAULT_HUNT_INDICES: readonly string[] = ['logs-*', 'filebeat-*', 'packetbeat-*', 'winlogbeat-*'];

/** How far an incremental hunt looks back before the last watermark (late events, clock skew). */
export const DEFAULT_INCREMENTAL_OVERLAP_MS = 3_600_000;

/** How often `iochunt watch` ticks (`--every`; README "Near-live: iochunt watch"). */
export const DEFAULT_WATCH_INTERVAL = '15s';

/** `index.refresh_interval` of an index that sets none: both engines refresh every second. */
export const DEFAULT_REFRESH_INTERVAL_MS = 1_000;

/**
 * Added to the refresh interval and the clock skew in a near-live run's settle delay (`watch
 * --margin`): an event's way from its ingest timestamp to its shard (a queued bulk, a replica).
 */
export const DEFAULT_SETTLE_MARGIN_MS = 2_000;

/** Expiry of the schedule lock (`--lock-ttl`); its holder renews it every third of this. */
export const DEFAULT_LOCK_TTL_MS = 300_000;
