import { formatBytes } from '../../core/format-bytes.js';
import { existsSync } from 'node:fs';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative } from 'node:path';
import { redactUrl, SourceError } from '../../errors.js';
import { parseMispManifest } from '../../core/ioc/parse-misp-manifest.js';
import type { SourceText } from '../../core/ioc/parse-sources.js';
import { decodeSource } from './decode-source.js';

export type { SourceText };

export interface ReadSourcesOptions {
  /** Per-URL timeout; default 60 s. */
  timeoutMs?: number;
  /**
   * Largest accepted download or standard input, in bytes; default {@link DEFAULT_MAX_SOURCE_BYTES}
   * (256 MiB). Checked against the declared content-length, and while reading (a chunked answer
   * declares none): reading stops at the limit.
   */
  maxBytes?: number;
  /** Standard input, for `-` (tests pass their own). */
  stdin?: AsyncIterable<Buffer | string>;
}

/** The largest download or standard input read by default: 256 MiB (`--max-download` raises it). */
export const DEFAULT_MAX_SOURCE_BYTES = 256 * 1024 * 1024;

function tooLarge(name: string, maxBytes: number): SourceError {
  return new SourceError(`${name}: larger than ${formatBytes(maxBytes)} (the size limit): raise it with --max-download BYTES, or split the source`);
}

/** Words for the socket errors fetch reports as `cause.code`. */
const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  UND_ERR_BODY_TIMEOUT: 'the answer stopped coming',
  UND_ERR_SOCKET: 'connection closed by the server',
};

/**
 * Why a download failed, in words. Node's fetch rejects with `TypeError: fetch failed` (or
 * `terminated`, mid-body) and keeps the reason in `cause`: a `code` (ECONNREFUSED, ENOTFOUND,
 * UND_ERR_SOCKET, a certificate error) or only a message ("bad port", "redirect count exceeded").
 */
function downloadFailure(error: unknown, target: URL, timeoutMs: number): string {
  const failure = error as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (failure.name === 'TimeoutError' || failure.name === 'AbortError') return `timed out after ${timeoutMs / 1000} s`;
  const code = typeof failure.cause?.code === 'string' ? failure.cause.code : undefined;
  const message = typeof failure.cause?.message === 'string' && failure.cause.message ? failure.cause.message : String(failure.message ?? failure.name);
  if (message === 'bad port') return `port ${target.port} is one fetch refuses to connect to (bad port)`;
  const words = code === undefined ? message : (NETWORK_REASONS[code] ?? message);
  return (code === undefined || words.includes(code) ? words : `${words} (${code})`).replace(/\s+/g, ' ').trim();
}

/** Why a source URL is not a URL: "http://x:99999/" names the port. */
function invalidUrlReason(url: string): string {
  const port = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(?:\[[^\]/]*\]|[^:/?#]*):(\d+)(?:[/?#]|$)/i.exec(url)?.[1];
  if (port !== undefined && Number(port) > 65535) return `invalid port ${port} (ports go up to 65535)`;
  return 'not a valid URL';
}

/** Another name for `-` (the CLI passes it, since yargs drops a lone `-`). */
export const STDIN_PATH = '/dev/stdin';

async function readStream(stream: AsyncIterable<Buffer | string>, name: string, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > maxBytes) throw tooLarge(name, maxBytes);
    chunks.push(buffer);
  }
  return decodeSource(Buffer.concat(chunks), name);
}

async function readUrl(url: string, options: ReadSourcesOptions): Promise<SourceText> {
  const name = redactUrl(url);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_SOURCE_BYTES;
  const timeoutMs = options.timeoutMs ?? 60_000;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new SourceError(`cannot download ${name}: ${invalidUrlReason(url)}: fix the URL`);
  }
  // fetch refuses URLs with credentials: send them as a Basic Authorization header instead.
  const headers: Record<string, string> = {};
  if (target.username || target.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  let response: Response;
  try {
    response = await fetch(target, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    throw new SourceError(`cannot download ${name}: ${downloadFailure(error, target, timeoutMs)}: check the URL and the network`, { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new SourceError(`cannot download ${name}: HTTP ${response.status} ${response.statusText}`.trim());
  }
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(name, maxBytes);
  }
  if (!response.body) return { name, text: '' };
  try {
    // Leaving the loop early (the limit) cancels the body: fetch closes the connection.
    return { name, text: await readStream(response.body as unknown as AsyncIterable<Buffer>, name, maxBytes) };
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw new SourceError(`cannot download ${name}: ${downloadFailure(error, target, timeoutMs)}`, { cause: error });
  }
}

/**
 * A MISP feed directory: `manifest.json` lists the events; each is `<uuid>.json` beside it.
 * Keys are checked to be event uuids (by `parseMispManifest`) before they become file names,
 * so a crafted manifest cannot point outside the directory. Every listed event must be there.
 */
async function readMispFeedDirectory(dir: string): Promise<SourceText[]> {
  const root = await realpath(dir);
  const manifestPath = join(dir, 'manifest.json');
  const entries = parseMispManifest(decodeSource(await readFeedFile(root, manifestPath), manifestPath), manifestPath);
  const files = new Set(await readdir(dir));
  const texts: SourceText[] = [];
  for (const entry of entries) {
    if (!files.has(entry.file)) throw new SourceError(`${dir}: manifest.json lists event ${entry.uuid} but ${entry.file} is missing`);
    const path = join(dir, entry.file);
    texts.push({ name: path, text: decodeSource(await readFeedFile(root, path), path), format: 'misp', feedHint: basename(dir) });
  }
  return texts;
}

/**
 * A file of a feed directory: a regular file inside it. A symbolic link may point elsewhere in
 * the directory, never outside it (a feed unpacked from an archive could otherwise read any file
 * the user can, and a parse error would quote it); a directory named like an event is refused.
 */
async function readFeedFile(root: string, path: string): Promise<Buffer> {
  let target: string;
  try {
    target = await realpath(path);
  } catch (error) {
    throw new SourceError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
  if (relative(root, target).startsWith('..') || isAbsolute(relative(root, target))) {
    throw new SourceError(`${path}: a symbolic link out of the feed directory: refused`);
  }
  if (!(await stat(target)).isFile()) throw new SourceError(`${path}: not a regular file`);
  return readFile(target);
}

/**
 * Reads every source of `iochunt sync`: files, MISP feed directories, `http(s)://` URLs (with a
 * timeout and a size limit) and `-` for standard input. Fails before anything is parsed, with
 * one line naming the source.
 */
export async function readSources(sources: readonly string[], options: ReadSourcesOptions = {}): Promise<SourceText[]> {
  const texts: SourceText[] = [];
  for (const source of sources) {
    if (source === '-' || source === STDIN_PATH) {
      texts.push({ name: '-', text: await readStream(options.stdin ?? process.stdin, 'stdin', options.maxBytes ?? DEFAULT_MAX_SOURCE_BYTES) });
    } else if (/^https?:\/\//i.test(source)) {
      texts.push(await readUrl(source, options));
    } else {
      if (!existsSync(source)) throw new SourceError(`${source}: no such file or directory`);
      const info = await stat(source);
      if (info.isDirectory()) {
        if (!existsSync(join(source, 'manifest.json'))) {
          throw new SourceError(`${source}: a directory source must be a MISP feed (with manifest.json)`);
        }
        texts.push(...(await readMispFeedDirectory(source)));
      } else {
        try {
          texts.push({ name: source, text: decodeSource(await readFile(source), source) });
        } catch (error) {
          if (error instanceof SourceError) throw error;
          throw new SourceError(`${source}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
        }
      }
    }
  }
  return texts;
}
