import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { redactUrl, SourceError } from '../../errors.js';
import { parseMispManifest } from '../../core/ioc/parse-misp-manifest.js';
import type { SourceText } from '../../core/ioc/parse-sources.js';

export type { SourceText };

export interface ReadSourcesOptions {
  /** Per-URL timeout; default 60 s. */
  timeoutMs?: number;
  /** Largest accepted download, in bytes; default 256 MiB. */
  maxBytes?: number;
  /** Standard input, for `-` (tests pass their own). */
  stdin?: AsyncIterable<Buffer | string>;
}

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

/** Another name for `-` (the CLI passes it, since yargs drops a lone `-`). */
export const STDIN_PATH = '/dev/stdin';

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

async function readStream(stream: AsyncIterable<Buffer | string>, name: string, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > maxBytes) throw new SourceError(`${name}: larger than ${maxBytes} bytes: raise the limit or split the source`);
    chunks.push(buffer);
  }
  return stripBom(Buffer.concat(chunks).toString('utf8'));
}

async function readUrl(url: string, options: ReadSourcesOptions): Promise<SourceText> {
  const name = redactUrl(url);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // fetch refuses URLs with credentials: send them as a Basic Authorization header instead.
  const target = new URL(url);
  const headers: Record<string, string> = {};
  if (target.username || target.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  let response: Response;
  try {
    response = await fetch(target, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 60_000), redirect: 'follow' });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new SourceError(`cannot download ${name} (${cause}): check the URL and the network`, { cause: error });
  }
  if (!response.ok) {
    throw new SourceError(`cannot download ${name}: HTTP ${response.status} ${response.statusText}`.trim());
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new SourceError(`${name}: larger than ${maxBytes} bytes: raise the limit or split the source`);
  if (!response.body) return { name, text: '' };
  try {
    return { name, text: await readStream(response.body as unknown as AsyncIterable<Buffer>, name, maxBytes) };
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw new SourceError(`cannot download ${name}: ${(error as Error).name === 'TimeoutError' ? 'timed out' : (error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * A MISP feed directory: `manifest.json` lists the events; each is `<uuid>.json` beside it.
 * Keys are checked to be event uuids (by `parseMispManifest`) before they become file names,
 * so a crafted manifest cannot point outside the directory. Every listed event must be there.
 */
async function readMispFeedDirectory(dir: string): Promise<SourceText[]> {
  const manifestPath = join(dir, 'manifest.json');
  const entries = parseMispManifest(await readFile(manifestPath, 'utf8'), manifestPath);
  const files = new Set(await readdir(dir));
  const texts: SourceText[] = [];
  for (const entry of entries) {
    if (!files.has(entry.file)) throw new SourceError(`${dir}: manifest.json lists event ${entry.uuid} but ${entry.file} is missing`);
    const path = join(dir, entry.file);
    texts.push({ name: path, text: stripBom(await readFile(path, 'utf8')), format: 'misp', feedHint: basename(dir) });
  }
  return texts;
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
      texts.push({ name: '-', text: await readStream(options.stdin ?? process.stdin, 'stdin', options.maxBytes ?? DEFAULT_MAX_BYTES) });
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
          texts.push({ name: source, text: stripBom(await readFile(source, 'utf8')) });
        } catch (error) {
          throw new SourceError(`${source}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
        }
      }
    }
  }
  return texts;
}
