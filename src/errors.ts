/**
 * Every error iochunt throws. Each has a stable `code` (for `--json` output and for callers
 * of the library) and an `exitCode` the CLI uses; messages are one line and say how to fix
 * the problem. Credentials never reach a message: build messages with `redactUrl` (src/redact.ts).
 */

/** Exit codes of the CLI (README "Exit codes"). */
export const ExitCode = {
  ok: 0,
  runtime: 1,
  usage: 2,
  findings: 3,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export abstract class IochuntError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: ExitCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Wrong flags or arguments: exit 2. */
export class UsageError extends IochuntError {
  readonly code = 'usage';
  readonly exitCode = ExitCode.usage;
}

export interface InputLocation {
  /** File path, URL or `-` for stdin. */
  file?: string;
  /** 1-based line number, for line-oriented formats. */
  line?: number;
  /** JSON path (e.g. `$.Event.Attribute[3].value`), for JSON formats. */
  path?: string;
  /** The value as it appeared in the input. */
  value?: string;
}

/** Input that cannot be accepted (a malformed file, an invalid value): exit 2. */
export class InputError extends IochuntError {
  readonly code = 'input';
  readonly exitCode = ExitCode.usage;

  constructor(
    readonly reason: string,
    readonly location: InputLocation = {},
    options?: { cause?: unknown },
  ) {
    super(formatInputMessage(reason, location), options);
  }
}

/** Longest value quoted whole in a message; a longer one (a 60 KB line) is cut, with its length. */
const QUOTED_VALUE_MAX = 120;

/** `"value"` as JSON, cut to {@link QUOTED_VALUE_MAX} characters with its full length said: for messages and tables. */
export function quoteValue(value: string): string {
  if (value.length <= QUOTED_VALUE_MAX) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, QUOTED_VALUE_MAX - 20))}… (${value.length} characters)`;
}

function formatInputMessage(reason: string, at: InputLocation): string {
  const where = [at.file, at.line === undefined ? undefined : `line ${at.line}`, at.path].filter(Boolean).join(':');
  const value = at.value === undefined ? '' : ` (${quoteValue(at.value)})`;
  return where ? `${where}: ${reason}${value}` : `${reason}${value}`;
}

/** A configuration file or option combination that cannot work: exit 2. */
export class ConfigError extends IochuntError {
  readonly code = 'config';
  readonly exitCode = ExitCode.usage;
}

export type ClusterErrorKind =
  | 'unreachable'
  | 'auth'
  | 'forbidden'
  | 'tls'
  | 'timeout'
  | 'unsupported'
  | 'server'
  /** The cluster answered, but not for every shard (a failed shard, a timeout, a lost scroll): never a result. */
  | 'partial';

export interface ClusterErrorDetails {
  statusCode?: number;
  /** The server's `error.type`. */
  type?: string;
  /** Every error type in the body (root causes, `caused_by`, failed shards). */
  rootCauses?: string[];
  /** A partial answer: how many shards failed of how many. */
  shards?: { failed: number; total: number };
  /** A partial answer: the indices whose shards failed. */
  indices?: string[];
  /** A request that got no answer: the connection error (`ECONNRESET`, `ECONNREFUSED`, `ETIMEDOUT`...). */
  connection?: string;
}

/**
 * The cluster could not do what was asked (unreachable, bad credentials, TLS, a server
 * error after retries): exit 1. Keeps the client's error as `cause`, whose own message may
 * hold request details; only `message` is ever printed.
 */
export class ClusterError extends IochuntError {
  readonly code: string;
  readonly exitCode = ExitCode.runtime;

  constructor(
    readonly kind: ClusterErrorKind,
    message: string,
    readonly details: ClusterErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = `cluster_${kind}`;
  }
}

/**
 * Kibana or OpenSearch Dashboards (`kibana import`) could not do what was asked: unreachable,
 * credentials refused, the import refused. Not a cluster error: the cluster may be fine. Exit 1.
 */
export class KibanaError extends IochuntError {
  readonly code: string;
  readonly exitCode = ExitCode.runtime;

  constructor(
    readonly kind: ClusterErrorKind,
    message: string,
    readonly details: { statusCode?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = `kibana_${kind}`;
  }
}

/** A file iochunt was asked to write (`--out`) could not be written: exit 1. The same in every command. */
export class OutputError extends IochuntError {
  readonly code = 'output';
  readonly exitCode = ExitCode.runtime;
}

/** A source (URL, file, directory) could not be read: exit 1. Nothing was written. */
export class SourceError extends IochuntError {
  readonly code = 'source';
  readonly exitCode = ExitCode.runtime;
}

/** A local engine (tests, `iochunt demo`) failed to start; carries the last lines of its log. Exit 1. */
export class LocalEngineError extends IochuntError {
  readonly code = 'local_engine';
  readonly exitCode = ExitCode.runtime;
}

/** A hunt or sync stopped by SIGINT/SIGTERM after checkpointing: exit 130. */
export class InterruptedError extends IochuntError {
  readonly code = 'interrupted';
  readonly exitCode = ExitCode.interrupted;
}

/** `--fail-on-findings` and the hunt found something: exit 3 (the results were printed). */
export class FindingsError extends IochuntError {
  readonly code = 'findings';
  readonly exitCode = ExitCode.findings;
}

/** A bug: an invariant that should hold did not. Exit 1. */
export class InternalError extends IochuntError {
  readonly code = 'internal';
  readonly exitCode = ExitCode.runtime;
}

export { redactSecrets, redactUrl } from './redact.js';
