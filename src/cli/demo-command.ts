import type { CommandModule } from 'yargs';
import { describeReportTlp } from '../core/report/describe-report-tlp.js';
import { runDemo, type DemoResult } from '../io/demo/run-demo.js';
import type { CliContext } from './cli-context.js';
import { DEFAULT_DEMO_OUT_DIR, DEMO_PREFIX } from '../core/defaults.js';
import { connectionOptionsFrom, isDefaulted, type GlobalArgs } from './global-options.js';
import { renderHunt } from './render-hunt.js';

interface DemoArgs extends GlobalArgs {
  keep: boolean;
  events: number;
  outDir: string;
}

/** Quoted for a POSIX shell when it holds anything but safe path characters, so the printed commands can be pasted. */
const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** The files the demo wrote and what to open. */
function renderOutputs({ outputs }: DemoResult): string[] {
  return [
    `wrote into ${outputs.dir}:`,
    `  report.html        ${describeReportTlp(outputs.tlp)}, ${outputs.findings} findings: open it in a browser; printed, every page carries the label`,
    '  report.csv         one row per IOC; report.json: the same data, with the TLP and the sources',
    `  kibana.ndjson      Kibana 8.8+: iochunt kibana import --kibana-url http://localhost:5601 --file ${shellWord(outputs.savedObjects.kibana)}`,
    `  dashboards.ndjson  OpenSearch Dashboards: iochunt kibana import --kibana-url http://localhost:5601 --file ${shellWord(outputs.savedObjects.dashboards)}`,
    `open ${shellWord(outputs.report.html)}`,
  ];
}

/** The same steps on a real cluster: load, tag live, hunt, report, and keep it going. */
function renderNextSteps(result: DemoResult): string[] {
  const url = '--url https://your-cluster:9200';
  const feed = result.sync.feeds[0]?.name ?? 'CERTFR-2021-IOC-003';
  return [
    'next, on your cluster (add --user/--password or --api-key):',
    `  iochunt sync ${shellWord(result.bulletin)} ${url}`,
    `  iochunt pipelines install --attach 'logs-*' ${url}     # tag new events; name your index templates too`,
    `  iochunt hunt ${url}`,
    `  iochunt report --feed ${shellWord(feed)} --out report.html ${url}`,
    `  iochunt schedule --every 1h ${url}     # incremental hunts, one cluster-wide lock`,
  ];
}

export function demoCommand(context: CliContext): CommandModule<GlobalArgs, DemoArgs> {
  return {
    command: 'demo',
    describe: 'Start a local OpenSearch, load sample logs and the ANSSI APT31 bulletin, tag and hunt, write the report and saved objects',
    builder: (yargs) =>
      yargs
        .option('keep', { type: 'boolean', default: false, describe: 'Leave the local engine running and print its URL' })
        .option('events', { type: 'number', default: 20_000, describe: 'Sample events to generate (2020 -> now)' })
        .option('out-dir', { type: 'string', default: DEFAULT_DEMO_OUT_DIR, describe: 'Where to write the report (HTML, CSV, JSON) and the Kibana / Dashboards NDJSON' }) as never,
    handler: async (args) => {
      // The demo's own engine unless a cluster was named (command line, environment or --config),
      // and its own prefix unless one was named, so a demo on a real cluster touches no real data.
      const explicit = !isDefaulted(args, 'url');
      const result = await runDemo({
        prefix: isDefaulted(args, 'prefix') ? DEMO_PREFIX : args.prefix,
        events: args.events,
        keep: args.keep,
        outDir: args.outDir,
        ...(explicit ? { connection: connectionOptionsFrom(args) } : {}),
        onStep: (line) => {
          if (!args.json) context.err(line);
        },
      });
      if (args.json) {
        context.out(JSON.stringify(result, null, 2));
        return;
      }
      const lines = [
        `loaded ${result.sync.totals.accepted} IOCs of ${result.sync.feeds.map((f) => f.name).join(', ')} (${result.sync.totals.rejected} rejected)`,
        ...(result.live ? [`live tagging: ${result.live.tagged}/${result.live.indexed} new events tagged`] : []),
        renderHunt(result.hunt),
        `planted: ${result.planted.reportable} historical event(s) since 2021-01-01${result.live ? ` and ${result.live.tagged} live one(s)` : ''} are the findings above; ${result.planted.beforeHuntFrom} before 2021-01-01 is not reported`,
        ...(result.localEngine
          ? [
              result.localEngine.running
                ? `local OpenSearch still running at ${result.localEngine.url}: try "iochunt status --url ${result.localEngine.url} --prefix iochunt-demo"; stop it with "npm run engine -- stop opensearch"`
                : 'local OpenSearch stopped (--keep leaves it running)',
            ]
          : []),
        ...renderOutputs(result),
        ...renderNextSteps(result),
      ];
      context.out(lines.join('\n'));
    },
  };
}
