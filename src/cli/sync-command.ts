import type { CommandModule } from 'yargs';
import { IOC_FORMATS } from '../core/ioc/types.js';
import { syncAndRefresh } from '../io/sync/sync-and-refresh.js';
import { prepareSync, reportDryRun, type SyncOptions } from '../io/sync/sync-iocs.js';
import { UsageError } from '../errors.js';
import { DEFAULT_MAX_DROP_PERCENT } from '../io/sync/apply-sync.js';
import { DEFAULT_MAX_SOURCE_BYTES } from '../io/sync/read-sources.js';
import type { CliContext } from './cli-context.js';
import type { GlobalArgs } from './global-options.js';
import { withEngine, withStopSignal } from './cli-helpers.js';
import { renderSync } from './render-sync.js';

interface SyncArgs extends GlobalArgs {
  source: string[];
  format: SyncOptions['format'];
  feed?: string;
  huntFrom?: string;
  tlp?: string;
  confidence?: number;
  replace: boolean;
  maxDrop: number;
  dryRun: boolean;
  strict: boolean;
  allowPrivate: boolean;
  exactDomains: boolean;
  concurrency: number;
  refresh: boolean;
  maxDownload?: number;
}

export function syncCommand(context: CliContext): CommandModule<GlobalArgs, SyncArgs> {
  return {
    command: 'sync <source...>',
    describe: 'Load IOCs from files, MISP feed directories, URLs or - (stdin)',
    builder: (yargs) =>
      yargs
        .positional('source', { type: 'string', array: true, demandOption: true, describe: 'File, MISP feed directory, http(s) URL or -' })
        .option('format', { choices: ['auto', ...IOC_FORMATS] as const, default: 'auto' as const, describe: 'Source format; auto sniffs it' })
        .option('feed', { type: 'string', describe: 'Feed name (default: from the source: bulletin id, MISP event info, STIX report, file name)' })
        .option('hunt-from', { type: 'string', describe: 'Retro-hunts of this feed start here', defaultDescription: '2021-01-01' })
        .option('tlp', { type: 'string', describe: 'TLP for entries that carry none (clear, green, amber, amber+strict, red)' })
        .option('confidence', { type: 'number', describe: 'Confidence 0-100 for entries that carry none' })
        .option('replace', { type: 'boolean', default: false, describe: 'IOCs of the feed absent from this load become inactive (never deleted)' })
        .option('max-drop', {
          type: 'number',
          default: DEFAULT_MAX_DROP_PERCENT,
          describe: 'With --replace: refuse (exit 2, nothing written) a load that would deactivate more than this % of a feed\'s active IOCs; 100 accepts anything',
        })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Parse, validate and report; write nothing (no cluster needed)' })
        .option('strict', { type: 'boolean', default: false, describe: 'Any rejected entry aborts before anything is written (exit 2)' })
        .option('refresh', { type: 'boolean', default: true, describe: 'Refresh the installed live-tagging pipeline after writing (--no-refresh to skip)' })
        .option('concurrency', { type: 'number', default: 3, describe: 'Bulk requests in flight' })
        .option('max-download', { type: 'number', describe: 'Largest download or standard input read, in bytes', defaultDescription: `${DEFAULT_MAX_SOURCE_BYTES} (256 MiB)` })
        .option('allow-private', { type: 'boolean', default: false, describe: 'Accept private, loopback and reserved addresses' })
        .option('exact-domains', { type: 'boolean', default: false, describe: 'The feed\'s domain IOCs match their exact name only, not their subdomains (hunt and live tagging)' })
        .example('$0 sync CERTFR-2021-IOC-003-IOC.csv', 'load the ANSSI bulletin (feed CERTFR-2021-IOC-003)')
        .example('$0 sync ./misp-feed --replace', 'load a MISP feed directory; IOCs it dropped become inactive') as never,
    handler: async (args) => {
      if (args.maxDownload !== undefined && !(Number.isSafeInteger(args.maxDownload) && args.maxDownload > 0)) {
        throw new UsageError(`--max-download: ${args.maxDownload} is not a size in bytes`);
      }
      if (!(args.maxDrop >= 0 && args.maxDrop <= 100)) throw new UsageError(`--max-drop: ${args.maxDrop} is not a percentage within 0-100`);
      const options: SyncOptions = {
        sources: args.source,
        prefix: args.prefix,
        format: args.format,
        replace: args.replace,
        maxDropPercent: args.maxDrop,
        dryRun: args.dryRun,
        strict: args.strict,
        allowPrivate: args.allowPrivate,
        ...(args.exactDomains ? { exactDomains: true } : {}),
        concurrency: args.concurrency,
        ...(args.maxDownload === undefined ? {} : { source: { maxBytes: args.maxDownload } }),
        ...(args.feed ? { feed: args.feed } : {}),
        ...(args.huntFrom ? { huntFrom: args.huntFrom } : {}),
        ...(args.tlp ? { tlp: args.tlp } : {}),
        ...(args.confidence === undefined ? {} : { confidence: args.confidence }),
      };
      // Sources are read and validated before connecting: bad input fails without a cluster.
      const prepared = await prepareSync(options);
      if (args.dryRun) {
        const report = reportDryRun(prepared, options);
        context.out(args.json ? JSON.stringify(report, null, 2) : renderSync(report));
        return;
      }
      await withStopSignal((signal) =>
        withEngine(args, async (engine) => {
          context.log?.info({ sources: prepared.texts.map((t) => t.name) }, 'sync started');
          const { sync: report, tagging } = await syncAndRefresh(engine, prepared, {
            ...options,
            signal,
            refresh: args.refresh,
            onProgress: (done) => context.log?.debug({ iocs: done }, 'sync progress'),
          });
          context.log?.info({ runId: report.runId, ...report.totals, durationMs: report.durationMs }, 'sync finished');
          context.out(
            args.json
              ? JSON.stringify({ ...report, liveTagging: tagging ?? null }, null, 2)
              : `${renderSync(report)}${tagging ? `\nlive tagging: ${tagging.pipeline} ${tagging.unchanged ? 'already up to date' : 'refreshed'} (IOC set version ${tagging.setVersion}, ${tagging.iocs} active IOC(s))` : ''}`,
          );
        }, context),
      );
    },
  };
}
