import { pino, type Logger } from 'pino';

export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
export const LOG_LEVELS: readonly LogLevel[] = ['silent', 'error', 'warn', 'info', 'debug', 'trace'];

/** `text` for people (a warning reads `iochunt: warning: ...`), `json` for collectors (one pino line each). */
export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

const TEXT_LABELS: Readonly<Record<string, string>> = { fatal: 'error', error: 'error', warn: 'warning', info: 'info', debug: 'debug', trace: 'trace' };

/** A pino line as people read it: `iochunt: <level>: <msg> key=value ...`. */
function textLine(json: string): string {
  const { level, msg, time: _time, name: _name, pid: _pid, hostname: _hostname, ...fields } = JSON.parse(json) as Record<string, unknown>;
  const extra = Object.entries(fields).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [`iochunt: ${TEXT_LABELS[String(level)] ?? String(level)}: ${String(msg ?? '')}`, ...extra].join(' ');
}

/**
 * The CLI's logger: every line goes to `write` (the CLI's stderr, which redacts credentials and
 * escapes terminal controls, so a log line is held to what every printed line is held to), as
 * text or JSON. Fields named like a secret are replaced before anything is written.
 */
export function createLogger(level: LogLevel = 'warn', format: LogFormat = 'text', write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  return pino(
    {
      name: 'iochunt',
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: ['password', 'apiKey', 'api_key', '*.password', '*.apiKey', '*.api_key', 'authorization', '*.authorization', 'headers', '*.headers'],
        censor: '***',
      },
    },
    { write: (chunk: string) => write(format === 'json' ? chunk.trimEnd() : textLine(chunk)) },
  );
}

export type { Logger };
