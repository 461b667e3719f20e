import type { HuntSlicing } from '../core/hunt/plan-hunt.js';
import type { CommandModule } from 'yargs';
import { DEFAULT_HUNT_INDICES } from '../core/defaults.js';
import { parseDuration, runSchedule } from '../io/schedule/run-schedule.js';
import { splitList, withEngine, withStopSignal } from './cli-helpers.js';
import type { CliContext } from './cli-context.js';
import type { GlobalArgs } from './global-options.js';
import { renderTick } from './render-tick.js';

interface ScheduleArgs extends GlobalArgs {
  every?: string;
  cron?: string;
  sync?: string[];
  feed?: string;
  index: string[];
  concurrency: number;
  slice: HuntSlicing;
  lockTtl: string;
  ticks?: number;
}

export function scheduleCommand(context: CliContext): CommandModule<GlobalArgs, ScheduleArgs> {
  return {
    command: 'schedule',
    describe: 'Long-running: on each tick sync the sources, then run an incremental hunt (one run at a time cluster-wide)',
    builder: (yargs) =>
      yargs
        .option('every', { type: 'string', describe: 'Interval: 30s, 5m, 1h, 1d' })
        .option('cron', { type: 'string', describe: 'Cron expression (UTC), e.g. "*/15 * * * *"' })
        .option('sync', { type: 'string', array: true, describe: 'Sources to sync at each tick', coerce: splitList })
        .option('feed', { type: 'string', describe: 'Feed name for the synced sources' })
        .option('index', { type: 'string', array: true, default: [...DEFAULT_HUNT_INDICES], describe: 'Index patterns to hunt', coerce: splitList })
        .option('concurrency', { type: 'number', default: 2, describe: 'Units searched at once' })
        .option('slice', { choices: ['auto', 'month', 'year', 'none'] as const, default: 'auto' as const, describe: 'Time ranges of the history units (as hunt --slice)' })
        .option('lock-ttl', { type: 'string', default: '5m', describe: 'Lock expiry (renewed every third of it)' })
        .option('ticks', { type: 'number', describe: 'Stop after this many ticks' })
        .check((args) => {
          if (Boolean(args.every) === Boolean(args.cron)) throw new Error('give exactly one of --every or --cron');
          return true;
        })
        .example('$0 schedule --every 15m --sync https://example.org/feed.csv', 'sync a feed and hunt incrementally every 15 minutes') as never,
    handler: async (args) => {
      await withStopSignal((signal) =>
        withEngine(args, (engine) =>
          runSchedule(engine, {
            prefix: args.prefix,
            ...(args.every ? { every: args.every } : {}),
            ...(args.cron ? { cron: args.cron } : {}),
            ...(args.sync ? { sync: args.sync } : {}),
            ...(args.feed ? { feed: args.feed } : {}),
            ...(args.ticks ? { maxTicks: args.ticks } : {}),
            hunt: { index: args.index, concurrency: args.concurrency, slice: args.slice },
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
