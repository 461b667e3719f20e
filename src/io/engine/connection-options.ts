import { readFileSync } from 'node:fs';
import { ConfigError, redactUrl, UsageError } from '../../errors.js';
import type { EngineChoice } from './engine.js';
import type { Logger } from '../../logger.js';
import type { RetryOptions } from './retry.js';

/** How to reach a cluster: the global options (README "Commands") `--url`, `--api-key`, `--user`, ... */
export interface ConnectionOptions {
  /** One or more node URLs; a comma-separated string is split. Default `http://localhost:9200`. */
  url?: string | readonly string[];
  /** Elasticsearch API key (the base64 `id:api_key` form). */
  apiKey?: string;
  user?: string;
  password?: string;
  /** Path to a PEM file with the CA that signed the cluster's certificate. */
  ca?: string;
  /** Skip TLS certificate verification. */
  insecure?: boolean;
  engine?: EngineChoice;
  requestTimeoutMs?: number;
  /**
   * The largest answer read from the cluster, in bytes; default `DEFAULT_MAX_RESPONSE_BYTES`
   * (256 MiB), at most V8's longest string (~512 MiB). A longer answer is not read on: the
   * request fails with one ClusterError line ("the answer is larger than 256 MiB").
   */
  maxResponseBytes?: number;
  retry?: Partial<RetryOptions>;
  /**
   * Hears every request retry as one line without credentials ("reading cluster health at
   * http://es:9200 failed with HTTP 503 ...; retry 2/5 in 480 ms"): the CLI prints it on
   * stderr, so a cluster that keeps failing is never a silent wait.
   */
  onRetry?: (message: string) => void;
  /** At debug, one line per request (method, path, status, duration; never a header or body). */
  log?: Logger;
}

export const DEFAULT_URL = 'http://localhost:9200';

/** The node URLs, validated. Throws a UsageError naming the bad one. */
export function parseUrls(url: ConnectionOptions['url']): string[] {
  const list = (typeof url === 'string' ? url.split(',') : (url ?? [DEFAULT_URL])).map((u) => u.trim()).filter(Boolean);
  if (list.length === 0) return [DEFAULT_URL];
  for (const candidate of list) {
    let parsed: URL;
    try {
      parsed = new URL(candidate);
    } catch {
      throw new UsageError(`--url: "${redactUrl(candidate)}" is not a URL (e.g. https://localhost:9200)`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new UsageError(`--url: ${parsed.protocol} is not supported: use http:// or https://`);
    }
  }
  return list;
}

/** Reads the `--ca` file; throws a ConfigError saying which file could not be read. */
export function readCa(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`--ca: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, { cause: error });
  }
}

/** Rejects contradictory auth flags before anything is sent. */
export function validateAuth(options: ConnectionOptions): void {
  if (options.password !== undefined && options.user === undefined) {
    throw new UsageError('--password needs --user (or IOCHUNT_USER)');
  }
  if (options.apiKey !== undefined && options.user !== undefined) {
    throw new UsageError('use either --api-key or --user/--password, not both');
  }
}
