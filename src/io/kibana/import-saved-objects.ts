import { formatBytes } from '../../core/format-bytes.js';
import type { SavedObjectsTarget } from '../../core/kibana/build-saved-objects.js';
import { KibanaError, ConfigError, InputError, redactSecrets, redactUrl, UsageError } from '../../errors.js';

export interface ImportSavedObjectsOptions {
  /**
   * Kibana or OpenSearch Dashboards, e.g. `http://localhost:5601`. A base path is kept, so
   * `https://kb:5601/s/soc` imports into the `soc` space. Credentials in the URL are sent as
   * Basic auth, never printed.
   */
  kibanaUrl: string;
  /** The export file's text (`toNdjson`, or a file written by `iochunt kibana export`). */
  ndjson: string;
  user?: string;
  password?: string;
  /** An Elasticsearch API key (base64 `id:key`), sent as `Authorization: ApiKey ...` (Kibana only). */
  apiKey?: string;
  /** Picks the anti-CSRF header: `kbn-xsrf` (Kibana) or `osd-xsrf` (OpenSearch Dashboards). */
  target: SavedObjectsTarget;
  /** Default: Node's global `fetch`. */
  fetchImpl?: typeof fetch;
  /** Whole-request timeout; default 60 s. */
  timeoutMs?: number;
  /** The largest answer read, in bytes; default {@link DEFAULT_MAX_IMPORT_RESPONSE_BYTES} (64 MiB). */
  maxResponseBytes?: number;
  /** Names the NDJSON in messages about malformed lines (a file path). */
  sourceName?: string;
}

export interface ImportedObject {
  id: string;
  type: string;
  ok: boolean;
  /** Why Kibana refused it: `conflict`, `missing references: index-pattern:x`, its own message... */
  error?: string;
  /** The object's title, read from the NDJSON (for printing). */
  title?: string;
  /** Set when Kibana stored the object under another id (e.g. it exists in another space). */
  destinationId?: string;
}

export interface ImportSavedObjectsResult {
  /** Kibana's own `success` and every object imported. */
  success: boolean;
  /** One entry per object of the NDJSON, in file order. */
  results: ImportedObject[];
}

/** The body of a `_import` answer (Kibana 7.x-9.x, OpenSearch Dashboards 1.x-3.x). */
interface ImportResponse {
  success?: unknown;
  successCount?: number;
  successResults?: { id: string; type: string; destinationId?: string }[];
  errors?: { id: string; type: string; title?: string; error?: ImportErrorBody }[];
}

interface ImportErrorBody {
  type?: string;
  message?: string;
  statusCode?: number;
  references?: { type: string; id: string }[];
}

const FILE_NAME = 'iochunt.ndjson';

/**
 * The largest `_import` answer read: 64 MiB. The answer holds a few hundred bytes per object
 * (id, type, title, an error), and Kibana refuses an import of more than
 * `savedObjects.maxImportExportSize` (10,000) objects, so a real one stays under a few MB;
 * beyond that it is not Kibana's answer, and reading on would fill the memory.
 */
export const DEFAULT_MAX_IMPORT_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * The answer's text, read up to `maxBytes`: past that the body is cancelled (fetch closes the
 * connection, nothing more is read) and the import fails in one line.
 */
async function readAnswer(response: Response, maxBytes: number, shown: string): Promise<string> {
  const tooLarge = (): KibanaError =>
    new KibanaError(
      'server',
      `${shown} answered the saved objects import with more than ${formatBytes(maxBytes)} (an import answer is a few KB): check --kibana-url`,
      { statusCode: response.status },
    );
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      chunks.length = 0;
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  // As response.text() does: UTF-8, a byte order mark dropped.
  return new TextDecoder().decode(Buffer.concat(chunks));
}

interface ParsedLine {
  id: string;
  type: string;
  title?: string;
}

/** The objects of an export, in order; the optional summary line (no `type`/`id`) is skipped. */
function parseExport(ndjson: string, sourceName: string | undefined): ParsedLine[] {
  const objects: ParsedLine[] = [];
  const lines = ndjson.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new InputError('not an NDJSON export of saved objects: this line is not JSON', { ...(sourceName ? { file: sourceName } : {}), line: index + 1 });
    }
    const record = parsed as { id?: unknown; type?: unknown; attributes?: { title?: unknown } };
    if (typeof record.id !== 'string' || typeof record.type !== 'string') return;
    const title = record.attributes?.title;
    objects.push({ id: record.id, type: record.type, ...(typeof title === 'string' ? { title } : {}) });
  });
  if (objects.length === 0) {
    throw new InputError('no saved objects to import (each line needs "type" and "id")', sourceName ? { file: sourceName } : {});
  }
  return objects;
}

interface Endpoint {
  url: URL;
  /** The URL as printed: no credentials, no query. */
  shown: string;
  urlUser?: string;
  urlPassword?: string;
}

function endpointOf(kibanaUrl: string): Endpoint {
  let base: URL;
  try {
    base = new URL(kibanaUrl);
  } catch {
    throw new ConfigError(`--kibana-url: "${redactUrl(kibanaUrl)}" is not a URL (e.g. http://localhost:5601)`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new ConfigError(`--kibana-url: ${base.protocol} is not supported: use http:// or https://`);
  }
  const urlUser = base.username ? decodeURIComponent(base.username) : undefined;
  const urlPassword = base.password ? decodeURIComponent(base.password) : undefined;
  // fetch refuses URLs with credentials: they go in the Authorization header instead.
  base.username = '';
  base.password = '';
  base.search = '';
  base.hash = '';
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}/api/saved_objects/_import`, base);
  url.searchParams.set('overwrite', 'true');
  return {
    url,
    shown: redactUrl(`${base.origin}${base.pathname}`),
    ...(urlUser === undefined ? {} : { urlUser }),
    ...(urlPassword === undefined ? {} : { urlPassword }),
  };
}

function authorizationOf(options: ImportSavedObjectsOptions, endpoint: Endpoint): string | undefined {
  if (options.apiKey !== undefined) return `ApiKey ${options.apiKey}`;
  const user = options.user ?? endpoint.urlUser;
  if (user === undefined) return undefined;
  const password = options.user !== undefined ? (options.password ?? '') : (endpoint.urlPassword ?? '');
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * Node's fetch wraps the socket error: `TypeError: fetch failed` with `cause.code`
 * (`ECONNREFUSED`, `ENOTFOUND`, a certificate error) or only `cause.message` (`bad port`).
 */
function networkCodeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown; cause?: { code?: unknown } } }).cause;
  const code = cause?.code ?? cause?.cause?.code;
  if (typeof code === 'string') return code;
  if (typeof cause?.message === 'string' && cause.message) return cause.message;
  return (error as Error).name || 'error';
}

const TLS_CODES = /CERT|SELF_SIGNED|TLS|SSL|EPROTO|UNABLE_TO_VERIFY|DEPTH_ZERO/;

/** A one-line reason from a Kibana error body (`{ statusCode, error, message }`) or plain text. */
function reasonOf(text: string, secrets: readonly (string | undefined)[]): string {
  let reason = text;
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    if (typeof body.message === 'string') reason = body.message;
    else if (typeof body.error === 'string') reason = body.error;
    else if (body.error && typeof body.error === 'object') reason = String((body.error as { reason?: unknown }).reason ?? JSON.stringify(body.error));
  } catch {
    // Not JSON: keep the text.
  }
  const line = redactSecrets(reason, secrets).replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}...` : line || 'empty answer';
}

function describeError(error: ImportErrorBody | undefined): string {
  if (!error?.type) return 'refused';
  if (error.type === 'missing_references') {
    const refs = (error.references ?? []).map((r) => `${r.type}:${r.id}`).join(', ');
    return `missing references${refs ? `: ${refs}` : ''}`;
  }
  if (error.type === 'unknown' && error.message) return error.message;
  return error.message ? `${error.type}: ${error.message}` : error.type;
}

function isImportResponse(body: unknown): body is ImportResponse {
  return typeof body === 'object' && body !== null && typeof (body as ImportResponse).success === 'boolean';
}

/** A request that got no answer: timeout, TLS, or an unreachable server. */
function networkError(error: unknown, shown: string, product: string): KibanaError {
  const code = networkCodeOf(error);
  if (code === 'TimeoutError' || code === 'AbortError') {
    return new KibanaError('timeout', `timed out importing saved objects at ${shown}: ${product} is overloaded or unreachable`, {}, { cause: error });
  }
  if (TLS_CODES.test(code)) {
    return new KibanaError(
      'tls',
      `TLS handshake with ${shown} failed (${code}): check the scheme of --kibana-url, or trust its CA with NODE_EXTRA_CA_CERTS=FILE`,
      {},
      { cause: error },
    );
  }
  return new KibanaError('unreachable', `cannot reach ${shown} (${code}): set --kibana-url to a running ${product}`, {}, { cause: error });
}

interface AnswerContext {
  status: number;
  text: string;
  endpoint: ReturnType<typeof endpointOf>;
  product: string;
  secrets: readonly (string | undefined)[];
  options: ImportSavedObjectsOptions;
}

/** The import answer's body, or the one-line error its status and body call for. */
function checkAnswer({ status, text, endpoint, product, secrets, options }: AnswerContext): ImportResponse {
  if (status === 401) {
    const who = options.user ?? endpoint.urlUser;
    throw new KibanaError(
      'auth',
      `authentication failed at ${endpoint.shown} for ${who === undefined ? 'the request' : `user "${who}"`}: check --user/--password (IOCHUNT_USER/IOCHUNT_PASSWORD) or --api-key`,
      { statusCode: status },
    );
  }
  if (status === 403) {
    throw new KibanaError('forbidden', `permission denied importing saved objects at ${endpoint.shown}: ${reasonOf(text, secrets)}`, { statusCode: status });
  }
  if (status === 404) {
    throw new KibanaError(
      'unsupported',
      `${endpoint.shown} has no saved objects import API (HTTP 404): point --kibana-url at ${product} (usually port 5601), with its base path or /s/<space> if any`,
      { statusCode: status },
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (status < 200 || status >= 300 || !isImportResponse(body)) {
    const reason = reasonOf(text, secrets);
    const hint = /xsrf/i.test(reason) ? `: is --target ${options.target} right for this server?` : '';
    const what = status >= 200 && status < 300 ? `did not answer like ${product}'s saved objects API` : `refused the import with HTTP ${status}`;
    throw new KibanaError('server', `${endpoint.shown} ${what}: ${reason}${hint}`, { statusCode: status });
  }
  return body;
}

/**
 * Imports an export file into Kibana or OpenSearch Dashboards: one `POST
 * <kibanaUrl>/api/saved_objects/_import?overwrite=true`, multipart/form-data with the NDJSON as
 * field `file` (`iochunt.ndjson`), and the `kbn-xsrf`/`osd-xsrf` header the API demands.
 * Returns one result per object, from Kibana's `successResults` and `errors`.
 *
 * Throws one-line errors without credentials: {@link KibanaError} when Kibana is unreachable
 * (`unreachable`, `tls`, `timeout`), refuses the credentials (`auth`, `forbidden`), is not a
 * saved objects API (`unsupported`) or rejects the request or answers more than
 * `maxResponseBytes` (`server`); {@link ConfigError}
 * for a bad URL; {@link InputError} for an NDJSON that is not an export.
 *
 * Pitfalls: object-level failures (a conflict, a missing reference) do not throw; check
 * `success`. Node's `fetch` takes no CA option: trust a private CA with `NODE_EXTRA_CA_CERTS`.
 */
export async function importSavedObjects(options: ImportSavedObjectsOptions): Promise<ImportSavedObjectsResult> {
  if (options.apiKey !== undefined && options.user !== undefined) {
    throw new UsageError('use either --api-key or --user/--password, not both');
  }
  const objects = parseExport(options.ndjson, options.sourceName);
  const endpoint = endpointOf(options.kibanaUrl);
  const secrets = [options.password, options.apiKey, endpoint.urlPassword];
  const product = options.target === 'kibana' ? 'Kibana' : 'OpenSearch Dashboards';
  const authorization = authorizationOf(options, endpoint);

  const form = new FormData();
  form.append('file', new Blob([options.ndjson], { type: 'application/ndjson' }), FILE_NAME);
  const headers: Record<string, string> = {
    accept: 'application/json',
    [options.target === 'kibana' ? 'kbn-xsrf' : 'osd-xsrf']: 'true',
    ...(authorization ? { authorization } : {}),
  };

  const fetchImpl = options.fetchImpl ?? fetch;
  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(endpoint.url, { method: 'POST', body: form, headers, signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) });
    text = await readAnswer(response, options.maxResponseBytes ?? DEFAULT_MAX_IMPORT_RESPONSE_BYTES, endpoint.shown);
  } catch (error) {
    if (error instanceof KibanaError) throw error;
    throw networkError(error, endpoint.shown, product);
  }

  const body = checkAnswer({ status: response.status, text, endpoint, product, secrets, options });

  const key = (type: string, id: string): string => `${type}:${id}`;
  const succeeded = new Map((body.successResults ?? []).map((r) => [key(r.type, r.id), r]));
  const failed = new Map((body.errors ?? []).map((e) => [key(e.type, e.id), e]));
  // Kibana before 7.9 answered without successResults: then success stands for every object.
  const reportsSuccesses = Array.isArray(body.successResults);
  const results: ImportedObject[] = objects.map((object) => {
    const base = { id: object.id, type: object.type, ...(object.title === undefined ? {} : { title: object.title }) };
    const failure = failed.get(key(object.type, object.id));
    if (failure) return { ...base, ok: false, error: redactSecrets(describeError(failure.error), secrets) };
    const success = succeeded.get(key(object.type, object.id));
    if (success) return { ...base, ok: true, ...(success.destinationId && success.destinationId !== object.id ? { destinationId: success.destinationId } : {}) };
    if (!reportsSuccesses && body.success === true) return { ...base, ok: true };
    return { ...base, ok: false, error: `not in ${product}'s answer` };
  });
  return { success: body.success === true && results.every((r) => r.ok), results };
}
