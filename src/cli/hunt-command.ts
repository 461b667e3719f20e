import type { HuntSlicing } from '../core/hunt/plan-hunt.js';
import cliProgress from 'cli-progress';
import type { CommandModule } from 'yargs';
import { FindingsError } from '../errors.js';
import type { MatchKind } from '../core/hunt/match-fields.js';
import { DEFAULT_HUNT_INDICES } from '../core/defaults.js';
import { runHunt, type HuntOptions } from '../io/hunt/run-hunt.js';
import { splitList, withEngine, withStopSignal } from './cli-helpers.js';
import { warnOn, type CliContext } from './cli-context.js';
import { loadConfigFile, type GlobalArgs } from './global-options.js';
import { renderHunt } from './render-hunt.js';

interface HuntArgs extends GlobalArgs {
  index: string[];
  since?: string;
  until?: string;
  feed?: string[];
  mode: 'full' | 'incremental';
  concurrency: number;
  resume?: string;
  dryRun: boolean;
  failOnFindings: boolean;
  slice: HuntSlicing;
  exactDomains: boolean;
}

export function huntCommand(context: CliContext): CommandModule<GlobalArgs, HuntArgs> {
  return {
    command: 'hunt',
    describe: 'Retro-hunt: find past events that touched an active IOC, one alert per (event, IOC)',
    builder: (yargs) =>
      yargs
        .option('index', { type: 'string', array: true, default: [...DEFAULT_HUNT_INDICES], describe: 'Index patterns, aliases or data streams', coerce: splitList })
        .option('since', { type: 'string', describe: 'Start (default: the earliest hunt-from of the feeds, i.e. 2021-01-01)' })
        .option('until', { type: 'string', describe: 'End (default: now)' })
        .option('feed', { type: 'string', array: true, describe: 'Only the IOCs of these feeds', coerce: splitList })
        .option('mode', { choices: ['full', 'incremental'] as const, default: 'full' as const, describe: 'incremental: new IOCs over all history, all IOCs over new events' })
        .option('concurrency', { type: 'number', default: 2, describe: 'Units searched at once' })
        .option('resume', { type: 'string', describe: 'Finish an interrupted or failed run' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan and candidate counts; write nothing' })
        .option('fail-on-findings', { type: 'boolean', default: false, describe: 'Exit 3 when there are findings' })
        .option('slice', { choices: ['auto', 'month', 'year', 'none'] as const, default: 'auto' as const, describe: 'Time ranges of the units: auto (sized by event volume), or calendar month or year, or none' })
        .option('exact-domains', { type: 'boolean', default: false, describe: 'Domain IOCs match their exact name only, not their subdomains' })
        .example('$0 hunt --feed CERTFR-2021-IOC-003', 'hunt the ANSSI APT31 IPs since their hunt-from (2021-01-01)')
        .example('$0 hunt --resume 3f2a...', 'finish a run that was interrupted') as never,
    handler: async (args) => {
      const config = args.config ? loadConfigFile(args.config) : {};
      await withStopSignal((signal) => hunt(args, config, signal, context));
    },
  };
}

/** `iochunt hunt` once the options are read: runs the hunt until done or `signal` stops it at a checkpoint. */
async function hunt(args: HuntArgs, config: ReturnType<typeof loadConfigFile>, signal: AbortSignal, context: CliContext): Promise<void> {
  const tty = process.stderr.isTTY && !args.json;
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: 'hunt [{bar}] {value}/{total} units | {events} events | {alerts} alerts | ETA {eta_formatted}', stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let lastLogged = -1;
  const options: HuntOptions = {
    prefix: args.prefix,
    index: args.index,
    mode: args.mode,
    concurrency: args.concurrency,
    dryRun: args.dryRun,
    slice: args.slice,
    signal,
    ...(args.exactDomains ? { exactDomains: true } : {}),
    ...(args.since ? { since: args.since } : {}),
    ...(args.until ? { until: args.until } : {}),
    ...(args.feed && args.feed.length > 0 ? { feeds: args.feed } : {}),
    ...(args.resume ? { resume: args.resume } : {}),
    ...(config.fields ? { fields: config.fields as Partial<Record<MatchKind, string[]>> } : {}),
    onRunId: (runId) => {
      context.err(`iochunt: hunt run ${runId}`);
      context.log?.info({ runId, index: args.index, mode: args.mode }, 'hunt started');
    },
    onWarning: warnOn(context),
    onProgress: (p) => {
      if (p.unitsDone !== lastLogged) context.log?.info({ units: `${p.unitsDone}/${p.unitsTotal}`, events: p.eventsMatched, alerts: p.alertsCreated }, 'hunt progress');
      lastLogged = p.unitsDone;
      if (!bar) return;
      if (bar.getTotal() !== p.unitsTotal) bar.start(p.unitsTotal, p.unitsDone, { events: 0, alerts: 0 });
      bar.update(p.unitsDone, { events: p.eventsMatched, alerts: p.alertsCreated });
    },
  };
  try {
    await withEngine(args, async (engine) => {
      const summary = await runHunt(engine, options);
      bar?.stop();
      context.log?.info({ status: summary.status, findings: summary.totals.findings, alerts: summary.progress.alertsCreated, durationMs: summary.durationMs }, 'hunt finished');
      context.out(args.json ? JSON.stringify(summary, null, 2) : renderHunt(summary));
      if (args.failOnFindings && summary.totals.findings > 0) {
        throw new FindingsError(`${summary.totals.findings} finding(s) (--fail-on-findings)`);
      }
    }, context);
  } finally {
    bar?.stop();
  }
}
