import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SourceError } from '../errors.js';
import { redactUrl } from '../errors.js';

/** One text to parse, named for locations in messages. */
export interface SourceText {
  /** File path, URL (without credentials) or `-`. */
  name: string;
  text: string;
  /** Set when the container tells the format (a MISP feed directory holds MISP events). */
  format?: 'misp';
  /** A feed name the container gives (MISP feed directory name), used when the text gives none. */
  feedHint?: string;
}

export interface ReadSourcesOptions {
  /** Per-URL timeout; default 60 s. */
  timeoutMs?: number;
  /** Largest accepted download, in bytes; default 256 MiB. */
  maxBytes?: number;
  /** Standard input, for `-` (tests pass their own). */
  stdin?: AsyncIterable<Buffer | string>;
}

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

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
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 60_000), redirect: 'follow' });
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
 * A MISP feed directory: `manifest.json` maps event uuids to their info; each event is in
 * `<uuid>.json` beside it. Every listed event must be there.
 */
async function readMispFeedDirectory(dir: string): Promise<SourceText[]> {
  const manifestPath = join(dir, 'manifest.json');
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new SourceError(`${manifestPath}: not a readable MISP manifest (${(error as Error).message.split('\n')[0]})`, { cause: error });
  }
  const files = new Set(await readdir(dir));
  const texts: SourceText[] = [];
  for (const uuid of Object.keys(manifest).sort()) {
    const file = `${uuid}.json`;
    if (!files.has(file)) throw new SourceError(`${dir}: manifest.json lists event ${uuid} but ${file} is missing`);
    texts.push({ name: join(dir, file), text: stripBom(await readFile(join(dir, file), 'utf8')), format: 'misp', feedHint: basename(dir) });
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
    if (source === '-') {
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
