import { formatBytes } from '../../core/format-bytes.js';
import { ClusterError, IochuntError, redactSecrets, redactUrl, type ClusterErrorDetails } from '../../errors.js';

/** What both clients' errors look like, as far as we read them. */
interface ClientErrorShape {
  name?: string;
  message?: string;
  meta?: { statusCode?: number | null; body?: unknown; headers?: Record<string, unknown> };
  body?: unknown;
}

/**
 * A cluster answer longer than the response limit (`ConnectionOptions.maxResponseBytes`): the
 * connection stopped reading it there and closed the socket (connect.ts). Both clients hand it
 * back as is, so it is recognised by class, not by message.
 */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';

  constructor(
    /** The limit, in bytes (of the answer as decoded: an inflated gzip body counts inflated). */
    readonly limit: number,
    options?: { cause?: unknown },
  ) {
    super(`the answer is larger than ${limit} bytes`, options);
  }
}

/** The HTTP status of a client error, or undefined for connection-level failures. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as ClientErrorShape | undefined)?.meta?.statusCode;
  return typeof status === 'number' && status > 0 ? status : undefined;
}

/** A translated error for an HTTP 404 (missing index, pipeline, document). */
export function isNotFound(error: unknown): boolean {
  return error instanceof ClusterError && error.details.statusCode === 404;
}

/** The server's `error.type` of a translated error (e.g. `resource_already_exists_exception`). */
export function errorTypeOfTranslated(error: unknown): string | undefined {
  return error instanceof ClusterError ? error.details.type : undefined;
}

/** `error.type` of an Elasticsearch/OpenSearch error body (e.g. `too_many_clauses`). */
export function errorTypeOf(error: unknown): string | undefined {
  const shape = error as ClientErrorShape | undefined;
  const body = (shape?.meta?.body ?? shape?.body) as { error?: { type?: string } | string } | undefined;
  return typeof body?.error === 'object' ? body.error.type : undefined;
}

/** Every error type in the body: `root_cause[].type` and the `caused_by` chain (e.g. `too_many_clauses`). */
function errorTypesOf(error: unknown): string[] {
  const shape = error as ClientErrorShape | undefined;
  const body = (shape?.meta?.body ?? shape?.body) as { error?: unknown } | undefined;
  const types = new Set<string>();
  const walk = (node: unknown, depth: number): void => {
    if (!node || typeof node !== 'object' || depth > 8) return;
    const record = node as { type?: unknown; caused_by?: unknown; root_cause?: unknown; failed_shards?: unknown; reason?: unknown };
    if (typeof record.type === 'string') types.add(record.type);
    walk(record.caused_by, depth + 1);
    if (Array.isArray(record.root_cause)) for (const cause of record.root_cause) walk(cause, depth + 1);
    if (Array.isArray(record.failed_shards)) for (const shard of record.failed_shards) walk((shard as { reason?: unknown }).reason, depth + 1);
  };
  walk(body?.error, 0);
  return [...types];
}

/** The first `caused_by`/`root_cause` reason, for messages. */
function reasonOf(error: unknown): string | undefined {
  const shape = error as ClientErrorShape | undefined;
  const body = (shape?.meta?.body ?? shape?.body) as { error?: { reason?: string } | string } | undefined;
  if (typeof body?.error === 'string') return body.error;
  return body?.error?.reason;
}

/**
 * The system error code inside a client ConnectionError. Neither client keeps Node's
 * `error.code`, only its message ("connect ECONNREFUSED 127.0.0.1:1"), so we read the
 * errno token from it.
 */
function connectionCodeOf(error: unknown): string | undefined {
  const shape = error as ClientErrorShape | undefined;
  if (shape?.name !== 'ConnectionError' && shape?.name !== 'TimeoutError') return undefined;
  if (shape.name === 'TimeoutError') return 'ETIMEDOUT';
  const message = shape.message ?? '';
  const code = /\b(E[A-Z]{3,}|UND_ERR_[A-Z_]+)\b/.exec(message)?.[1];
  if (code) return code;
  // Node's words for a connection the server dropped mid-request, or mid-answer (a body cut short).
  if (/socket hang up|other side closed|connection (?:was )?reset|aborted while reading the body/i.test(message)) return 'ECONNRESET';
  return 'ECONNECTION';
}

/** "write EPROTO 80CC...:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/..." -> "wrong version number". */
function tlsReason(message: string): string {
  const openssl = /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1];
  return (openssl ?? message.split('\n')[0] ?? message).trim();
}

const TLS_PATTERN = /certificate|\bSSL\b|\bTLS\b|EPROTO|self[- ]signed|CERT_|DEPTH_ZERO/i;

/**
 * Whether a failed request may succeed if sent again: 429 (rejected, queue full), 502/503/504
 * (node restarting, overloaded) and connections reset mid-request. Refused connections are not
 * retried: an engine that is down stays down long enough that the user wants to know now.
 */
export function isRetryable(error: unknown): boolean {
  // The same request gets the same oversized answer.
  if (error instanceof ResponseTooLargeError) return false;
  // A write or flood-stage block answers 403 or 429: it is not lifted by waiting a few seconds.
  if (errorTypesOf(error).includes('cluster_block_exception')) return false;
  // A connection error, even one with the status of an answer whose body was cut short.
  const code = connectionCodeOf(error);
  if (code !== undefined) return code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'ETIMEDOUT';
  const status = statusOf(error);
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/**
 * A connection the node refused (it is down). With several `--url` nodes the client's pool
 * marks that node dead and the next attempt goes to another one, so it is worth retrying there.
 */
export function isRefused(error: unknown): boolean {
  return connectionCodeOf(error) === 'ECONNREFUSED';
}

export interface TranslateContext {
  /** The cluster URL, printed without credentials. */
  url: string;
  /** What we were doing, for the message: "reading cluster health". */
  action: string;
  /** Values that must never be printed (password, API key). */
  secrets: readonly (string | undefined)[];
  /** The user name, to say whose credentials were refused. */
  user?: string;
}

/**
 * Turns any client error into one {@link ClusterError} whose message is a single line that
 * says what went wrong and how to fix it, without credentials.
 */
export function translateClusterError(error: unknown, context: TranslateContext): IochuntError {
  if (error instanceof IochuntError) return error;
  const url = redactUrl(context.url);
  const status = statusOf(error);
  const type = errorTypeOf(error);
  const clean = (text: string): string => redactSecrets(text, context.secrets).replace(/\s+/g, ' ').trim();
  const causes = errorTypesOf(error);
  const details: ClusterErrorDetails = {
    ...(status === undefined ? {} : { statusCode: status }),
    ...(type === undefined ? {} : { type }),
    ...(causes.length > 0 ? { rootCauses: causes } : {}),
  };

  if (error instanceof ResponseTooLargeError) {
    return new ClusterError(
      'server',
      `${context.action} at ${url}: the answer is larger than ${formatBytes(error.limit)} (the response limit): check --url, or raise the limit with --max-response BYTES`,
      details,
      { cause: error },
    );
  }
  const code = connectionCodeOf(error);
  if (status === undefined || code !== undefined) {
    const message = (error as ClientErrorShape | undefined)?.message ?? String(error);
    if (code === undefined) {
      return new ClusterError('server', clean(`${context.action} at ${url} failed: ${message}`), details, { cause: error });
    }
    details.connection = code;
    if (TLS_PATTERN.test(message)) {
      return new ClusterError(
        'tls',
        clean(`TLS handshake with ${url} failed (${tlsReason(message)}): check the scheme, or trust the cluster's CA with --ca FILE (or --insecure)`),
        details,
        { cause: error },
      );
    }
    if (code === 'ETIMEDOUT') {
      return new ClusterError('timeout', `timed out ${context.action} at ${url}: the cluster is overloaded or unreachable`, details, { cause: error });
    }
    return new ClusterError('unreachable', `cannot reach ${url} (${code}): set --url or IOCHUNT_URL to a running cluster`, details, {
      cause: error,
    });
  }
  if (causes.includes('cluster_block_exception')) {
    const reason = reasonOf(error) ?? 'blocked';
    return new ClusterError(
      'server',
      clean(`${context.action} at ${url} refused, the index is blocked: ${reason}: free disk space (flood-stage watermark) or lift the block (index.blocks.write, index.blocks.read_only_allow_delete), then run again`),
      { ...details, type: 'cluster_block_exception' },
      { cause: error },
    );
  }
  if (status === 401) {
    const who = context.user ? `user "${context.user}"` : 'the request';
    return new ClusterError(
      'auth',
      `authentication failed at ${url} for ${who}: check --user/--password (IOCHUNT_USER/IOCHUNT_PASSWORD) or --api-key`,
      details,
      { cause: error },
    );
  }
  if (status === 403) {
    const reason = reasonOf(error);
    return new ClusterError('forbidden', clean(`permission denied ${context.action} at ${url}${reason ? `: ${reason}` : ''}`), details, {
      cause: error,
    });
  }
  const reason = reasonOf(error) ?? (error as ClientErrorShape | undefined)?.message ?? 'unknown error';
  return new ClusterError(
    'server',
    clean(`${context.action} at ${url} failed with HTTP ${status}${type ? ` ${type}` : ''}: ${reason}`),
    details,
    { cause: error },
  );
}
