import type { CommandModule } from 'yargs';
import { DEFAULT_HUNT_INDICES, DEFAULT_SETTLE_MARGIN_MS, DEFAULT_WATCH_INTERVAL } from '../core/defaults.js';
import { runWatch } from '../io/schedule/run-watch.js';
import { parseDuration } from '../io/schedule/tick-loop.js';
import { splitList, withEngine, withStopSignal } from './cli-helpers.js';
import type { CliContext } from './cli-context.js';
import type { GlobalArgs } from './global-options.js';
import { renderTick } from './render-tick.js';

interface WatchArgs extends GlobalArgs {
  every: string;
  index: string[];
  feed?: string[];
  concurrency: number;
  margin: string;
  lockTtl: string;
  ticks?: number;
}

export function watchCommand(context: CliContext): CommandModule<GlobalArgs, WatchArgs> {
  return {
    command: 'watch',
    describe: 'Long-running, near-live: each tick hunts the events that arrived since the last one (an idle tick costs two reads and writes nothing)',
    builder: (yargs) =>
      yargs
        .option('every', { type: 'string', default: DEFAULT_WATCH_INTERVAL, describe: 'Interval: 15s, 30s, 1m' })
        .option('index', { type: 'string', array: true, default: [...DEFAULT_HUNT_INDICES], describe: 'Index patterns to hunt', coerce: splitList })
        .option('feed', { type: 'string', array: true, describe: 'Only the IOCs of these feeds', coerce: splitList })
        .option('concurrency', { type: 'number', default: 2, describe: 'Units searched at once' })
        .option('margin', { type: 'string', default: `${DEFAULT_SETTLE_MARGIN_MS / 1000}s`, describe: 'Added to the refresh interval and clock skew before an event counts as searchable' })
        .option('lock-ttl', { type: 'string', default: '5m', describe: 'Lock expiry (renewed every third of it)' })
        .option('ticks', { type: 'number', describe: 'Stop after this many ticks' })
        .example('$0 watch --every 15s --index "logs-*"', 'hunt new events every 15 seconds') as never,
    handler: async (args) => {
      await withStopSignal((signal) =>
        withEngine(
          args,
          (engine) =>
            runWatch(engine, {
              prefix: args.prefix,
              every: args.every,
              ...(args.ticks ? { maxTicks: args.ticks } : {}),
              hunt: { index: args.index, concurrency: args.concurrency, ...(args.feed ? { feeds: args.feed } : {}) },
              marginMs: parseDuration(args.margin, '--margin', 0),
              lockTtlMs: parseDuration(args.lockTtl, '--lock-ttl'),
              signal,
              onTick: (record) => context.err(context.logFormat === 'json' ? JSON.stringify(record) : renderTick(record)),
            }),
          context,
        ),
      );
    },
  };
}
