import { pino, type Logger } from 'pino';

export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
export const LOG_LEVELS: readonly LogLevel[] = ['silent', 'error', 'warn', 'info', 'debug', 'trace'];

/**
 * Logs go to stderr as JSON lines (stdout is for results and `--json`). Any field named like a
 * secret is replaced before it is written.
 */
export function createLogger(level: LogLevel = 'warn'): Logger {
  return pino(
    {
      name: 'iochunt',
      level,
      redact: {
        paths: ['password', 'apiKey', 'api_key', '*.password', '*.apiKey', '*.api_key', 'authorization', '*.authorization'],
        censor: '***',
      },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

export type { Logger };
