import yargs from 'yargs';
import { ExitCode, IochuntError, UsageError } from '../errors.js';
import { packageInfo } from '../io/package-info.js';
import { STDIN_PATH } from '../io/sync/read-sources.js';
import { redactSecrets, redactText, resolvedSecrets, secretsOf } from '../redact.js';
import { defaultLogFormat, type CliContext } from './cli-context.js';
import { printable } from './printable.js';
import { createLogger, type LogFormat, type LogLevel } from '../logger.js';
import { withGlobalOptions } from './global-options.js';
import { statusCommand } from './status-command.js';
import { syncCommand } from './sync-command.js';
import { huntCommand } from './hunt-command.js';
import { pipelinesCommand } from './pipelines-command.js';
import { demoCommand } from './demo-command.js';
import { scheduleCommand } from './schedule-command.js';
import { watchCommand } from './watch-command.js';
import { kibanaCommand } from './kibana-command.js';
import { reportCommand } from './report-command.js';

export interface CliResult {
  exitCode: number;
  /** The one line printed on stderr for a failure. */
  error?: string;
}

/**
 * The one place output meets people: results (tables, `--json`) lose the command line's and
 * environment's secrets; lines on stderr (warnings, errors, which may quote a server or a
 * source) also lose anything shaped like a credential. Both show control characters as
 * escapes instead of letting the terminal obey them.
 */
function guarded(context: CliContext, secrets: readonly string[]): CliContext {
  return {
    out: (text) => context.out(printable(redactSecrets(text, secrets))),
    err: (text) => context.err(printable(redactText(text, secrets))),
    ...(context.errIsTerminal === undefined ? {} : { errIsTerminal: context.errIsTerminal }),
  };
}

/**
 * Parses `argv` (without node and script), runs the command, and returns the exit code; it
 * never calls `process.exit` (only `main.ts` does). Errors become one line: `iochunt: <message>`,
 * redacted and printable like every other line (see {@link guarded}).
 */
export async function runCli(argv: readonly string[], outer: CliContext): Promise<CliResult> {
  const secrets = secretsOf(argv, process.env);
  const context = guarded(outer, secrets);
  const line = (message: string): string => printable(redactText(message, secrets), { lines: false });
  // yargs drops a lone "-" positional; sources read it back as stdin under this name.
  const args = argv.map((arg) => (arg === '-' ? STDIN_PATH : arg));
  const parser = withGlobalOptions(yargs(args))
    .scriptName('iochunt')
    .usage('$0 <command> [options]\n\nLoad CERT bulletin IOCs into Elasticsearch/OpenSearch, tag new events, retro-hunt history.')
    .command(syncCommand(context))
    .command(huntCommand(context))
    .command(pipelinesCommand(context))
    .command(scheduleCommand(context))
    .command(watchCommand(context))
    .command(kibanaCommand(context))
    .command(reportCommand(context))
    .command(demoCommand(context))
    .command(statusCommand(context))
    // After the global options are resolved (their middleware comes first): the logger they ask for.
    .middleware((argv) => {
      // Secrets the options resolved to (a config file's password, a --password-file's content) are never printed either.
      secrets.push(...resolvedSecrets(argv));
      context.logFormat = (argv.logFormat as LogFormat | undefined) ?? defaultLogFormat(context);
      context.log = createLogger(argv.logLevel as LogLevel, context.logFormat, (text) => context.err(text));
    })
    .demandCommand(1, 'name a command: iochunt --help lists them')
    .recommendCommands()
    .strict()
    .version(packageInfo().version)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    });
  try {
    await parser.parseAsync();
    return { exitCode: ExitCode.ok };
  } catch (error) {
    if (error instanceof IochuntError) return { exitCode: error.exitCode, error: line(error.message) };
    const message = error instanceof Error ? error.message : String(error);
    return { exitCode: ExitCode.runtime, error: line(`internal error: ${message.split('\n')[0]}`) };
  }
}
