import { stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';
import { describeReportTlp } from '../core/report/describe-report-tlp.js';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../core/report/render-report.js';
import { parseTlpLabel, type TlpLabel } from '../core/report/tlp-label.js';
import { fetchReportData } from '../io/report/fetch-report-data.js';
import type { CliContext } from './cli-context.js';
import { withEngine, writeOutputFile } from './cli-helpers.js';
import type { GlobalArgs } from './global-options.js';

interface ReportArgs extends GlobalArgs {
  run?: string;
  feed?: string;
  since?: string;
  until?: string;
  format?: ReportFormat;
  tlpMax?: string;
  out: string;
}

/** `--tlp-max`, checked before any work: a typo must not produce a report capped at nothing. */
function tlpMaxFor(args: Pick<ReportArgs, 'tlpMax'>): TlpLabel | undefined {
  if (args.tlpMax === undefined) return undefined;
  const label = parseTlpLabel(args.tlpMax);
  if (label === undefined) throw new UsageError(`--tlp-max: "${args.tlpMax}" is not a TLP label (clear, green, amber, amber+strict, red)`);
  return label;
}

/** `--format`, else the extension of `--out` (`.csv`, `.json`, `.html`/`.htm`), else HTML. */
function formatFor(args: Pick<ReportArgs, 'format' | 'out'>): ReportFormat {
  if (args.format) return args.format;
  const extension = extname(args.out).toLowerCase();
  return extension === '.csv' ? 'csv' : extension === '.json' ? 'json' : 'html';
}

/** Fails before the (possibly long) read of the alerts when the file could never be written. */
async function checkOutputDirectory(out: string): Promise<void> {
  const directory = dirname(resolve(out));
  const info = await stat(directory).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`--out ${out}: directory ${directory} does not exist`);
}

export function reportCommand(context: CliContext): CommandModule<GlobalArgs, ReportArgs> {
  return {
    command: 'report',
    describe: 'Write a TLP-marked incident report of the findings: sources, per IOC TLP, first/last seen, hits, hosts, users, monthly timeline, sample events',
    builder: (yargs) =>
      yargs
        .option('run', { type: 'string', describe: 'Report on this hunt run (its feeds, indices and period)' })
        .option('feed', { type: 'string', describe: 'Only the findings of this feed' })
        .option('since', { type: 'string', describe: 'Only findings from this date (default: the earliest hunt-from of the feed)' })
        .option('until', { type: 'string', describe: 'Only findings before this date (default: now)' })
        .option('format', { choices: REPORT_FORMATS, describe: 'Report format', defaultDescription: 'from the --out extension, else html' })
        .option('tlp-max', { type: 'string', describe: 'Leave out IOCs marked above this TLP (clear, green, amber, amber+strict, red); the report says how many' })
        .option('out', { type: 'string', demandOption: true, describe: 'File to write' })
        .conflicts('run', ['feed', 'since', 'until'])
        .example('$0 report --feed CERTFR-2021-IOC-003 --out apt31.html', 'an HTML report of every finding of the ANSSI bulletin')
        .example('$0 report --run 3f2a... --format csv --out run.csv', 'one CSV row per IOC found by a hunt run')
        .example('$0 report --tlp-max green --out green.html', 'a TLP:GREEN report from mixed data: IOCs marked AMBER or RED left out') as never,
    handler: async (args) => {
      const format = formatFor(args);
      const tlpMax = tlpMaxFor(args);
      await checkOutputDirectory(args.out);
      const data = await withEngine(args, (engine) =>
        fetchReportData(engine, {
          prefix: args.prefix,
          ...(args.run !== undefined ? { runId: args.run } : {}),
          ...(args.feed !== undefined ? { feed: args.feed } : {}),
          ...(args.since !== undefined ? { since: args.since } : {}),
          ...(args.until !== undefined ? { until: args.until } : {}),
          ...(tlpMax !== undefined ? { tlpMax } : {}),
        }),
        context,
      );
      await writeOutputFile(args.out, renderReport(data, format));
      const { findings, iocsHit } = data.totals;
      context.out(
        args.json
          ? JSON.stringify({ out: args.out, format, tlp: data.tlp, scope: data.scope, totals: data.totals }, null, 2)
          : `wrote ${args.out}: ${findings} findings for ${iocsHit} IOCs, ${describeReportTlp(data.tlp)}`,
      );
    },
  };
}
