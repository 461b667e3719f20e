/**
 * A protocol test, not a Kibana substitute: a tiny loopback HTTP server checks what
 * `importSavedObjects` sends (multipart field `file` named `iochunt.ndjson`, the xsrf header,
 * Basic or ApiKey auth, `overwrite=true`) and answers the way Kibana's `_import` API documents
 * (`success`, `successCount`, `successResults`, `errors`, and `{ statusCode, error, message }`
 * for refused requests). Whether Kibana accepts the objects themselves is a question for a
 * real Kibana, which this does not answer.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildSavedObjects, toNdjson } from '../../../src/core/kibana/build-saved-objects.js';
import { KibanaError, ConfigError, InputError } from '../../../src/errors.js';
import { importSavedObjects } from '../../../src/io/kibana/import-saved-objects.js';
import { useLoopbackServer } from '../../helpers/loopback-server.js';

const USER = 'elastic';
const PASSWORD = 'pw-Secret-42';
const API_KEY = 'aWQ6a2V5LXNlY3JldA==';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** The `file` part: its Content-Disposition and content. */
  disposition?: string;
  file?: string;
}

/** How the fake answers the next request: refuse the auth, fail some objects, or send a raw reply. */
interface Behaviour {
  failures?: Record<string, Record<string, unknown>>;
  raw?: { status: number; body: string; contentType?: string };
}

let received: Received[] = [];
let behaviour: Behaviour = {};

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** The parts of a multipart/form-data body (RFC 7578), enough to find the `file` part. */
function parseMultipart(body: Buffer, contentType: string): { headers: string; content: string }[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) return [];
  const delimiter = `--${boundary[1] ?? boundary[2]}`;
  return body
    .toString('utf8')
    .split(delimiter)
    .slice(1, -1)
    .map((part) => {
      const trimmed = part.replace(/^\r\n/, '').replace(/\r\n$/, '');
      const split = trimmed.indexOf('\r\n\r\n');
      return { headers: trimmed.slice(0, split), content: trimmed.slice(split + 4) };
    });
}

const reply = (status: number, body: unknown) => ({ status, body: JSON.stringify(body) });

/**
 * The one route this fake serves, as a Kibana without a configured base path serves it: at the
 * root or under a space (`/s/<space>`); `/osd` stands for an OpenSearch Dashboards behind that
 * base path. Any other path is a 404.
 */
const IMPORT_ROUTE = /^(?:\/osd)?(?:\/s\/[a-z0-9_-]+)?\/api\/saved_objects\/_import$/;

/**
 * Kibana's answer to a path it does not serve: `throw Boom.notFound()` (elastic/kibana
 * src/core/packages/http/server-internal/src/http_server.ts at 027ff216065546db312b553bd5287a4012b22f12,
 * for a base path that does not match; hapi's router answers an unknown route the same way), and
 * @hapi/boom gives a message-less error the status phrase as its message, so the body is this.
 */
const KIBANA_NOT_FOUND = { statusCode: 404, error: 'Not Found', message: 'Not Found' };

async function handle(request: IncomingMessage): Promise<{ status: number; body: string; contentType?: string }> {
  const body = await readBody(request);
  const entry: Received = { method: request.method ?? '', url: request.url ?? '', headers: request.headers };
  received.push(entry);
  const file = parseMultipart(body, request.headers['content-type'] ?? '').find((part) => /name="file"/.test(part.headers));
  if (file) {
    entry.disposition = /content-disposition:([^\r\n]*)/i.exec(file.headers)?.[1]?.trim();
    entry.file = file.content;
  }
  if (behaviour.raw) return behaviour.raw;

  const url = new URL(request.url ?? '/', 'http://localhost');
  if (request.method !== 'POST' || !IMPORT_ROUTE.test(url.pathname)) return reply(404, KIBANA_NOT_FOUND);
  const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  const authorization = request.headers.authorization;
  if (authorization !== basic && authorization !== `ApiKey ${API_KEY}`) {
    return reply(401, { statusCode: 401, error: 'Unauthorized', message: '[security_exception]: unable to authenticate user' });
  }
  // Kibana wants kbn-xsrf; the server stands for Dashboards when the path says so.
  const xsrf = url.pathname.startsWith('/osd/') ? 'osd-xsrf' : 'kbn-xsrf';
  if (request.headers[xsrf] === undefined) {
    return reply(400, { statusCode: 400, error: 'Bad Request', message: `Request must contain a ${xsrf} header.` });
  }
  if (!file || !entry.file) return reply(400, { statusCode: 400, error: 'Bad Request', message: '[request body.file]: expected value of type [Stream]' });

  const objects = entry.file
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { id: string; type: string; attributes: { title: string } });
  const failures = behaviour.failures ?? {};
  const errors = objects
    .filter((o) => failures[o.id])
    .map((o) => ({ id: o.id, type: o.type, title: o.attributes.title, meta: { title: o.attributes.title }, error: failures[o.id] }));
  const successResults = objects
    .filter((o) => !failures[o.id])
    .map((o) => ({ type: o.type, id: o.id, meta: { title: o.attributes.title, icon: 'discoverApp' }, overwrite: true }));
  return reply(200, {
    success: errors.length === 0,
    successCount: successResults.length,
    successResults,
    ...(errors.length > 0 ? { errors } : {}),
  });
}

const loopback = useLoopbackServer((request, response) => {
  handle(request)
    .then(({ status, body, contentType }) => {
      response.writeHead(status, { 'content-type': contentType ?? 'application/json; charset=utf-8' });
      response.end(body);
    })
    .catch(() => {
      response.writeHead(500);
      response.end();
    });
});

beforeEach(() => {
  received = [];
  behaviour = {};
});

const KIBANA_NDJSON = toNdjson(buildSavedObjects({ prefix: 'soc', feeds: ['CERTFR-2021-IOC-003'], target: 'kibana' }));
const DASHBOARDS_NDJSON = toNdjson(buildSavedObjects({ prefix: 'soc', feeds: ['CERTFR-2021-IOC-003'], target: 'dashboards' }));
const IDS = [
  'iochunt-soc-alerts-data-view',
  'iochunt-soc-events-data-view',
  'iochunt-soc-all-findings',
  'iochunt-soc-feed-certfr-2021-ioc-003-333e18758aca',
  'iochunt-soc-live-tagged-events',
];

async function captureError(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('importSavedObjects (protocol test against a loopback fake of the _import API)', () => {
  it('posts the NDJSON as multipart field "file" with kbn-xsrf and Basic auth, and reports each object', async () => {
    const result = await importSavedObjects({ kibanaUrl: loopback.url, ndjson: KIBANA_NDJSON, user: USER, password: PASSWORD, target: 'kibana', timeoutMs: 5000 });

    expect(result.success).toBe(true);
    expect(result.results.map((r) => [r.type, r.id, r.ok])).toEqual([
      ['index-pattern', IDS[0], true],
      ['index-pattern', IDS[1], true],
      ['search', IDS[2], true],
      ['search', IDS[3], true],
      ['search', IDS[4], true],
    ]);
    expect(result.results[2]?.title).toBe('iochunt – all findings (soc)');
    expect(received).toHaveLength(1);
    const request = received[0];
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/api/saved_objects/_import?overwrite=true');
    expect(request?.headers['kbn-xsrf']).toBe('true');
    expect(request?.headers['osd-xsrf']).toBeUndefined();
    expect(request?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(request?.disposition).toBe('form-data; name="file"; filename="iochunt.ndjson"');
    expect(request?.file).toBe(KIBANA_NDJSON);
  });

  it('sends osd-xsrf to OpenSearch Dashboards and keeps the base path of the URL', async () => {
    const result = await importSavedObjects({ kibanaUrl: `${loopback.url}/osd/`, ndjson: DASHBOARDS_NDJSON, user: USER, password: PASSWORD, target: 'dashboards' });

    expect(result.success).toBe(true);
    expect(received[0]?.url).toBe('/osd/api/saved_objects/_import?overwrite=true');
    expect(received[0]?.headers['osd-xsrf']).toBe('true');
    expect(received[0]?.headers['kbn-xsrf']).toBeUndefined();
  });

  it('imports into a Kibana space named in the URL path', async () => {
    await importSavedObjects({ kibanaUrl: `${loopback.url}/s/soc`, ndjson: KIBANA_NDJSON, apiKey: API_KEY, target: 'kibana' });
    expect(received[0]?.url).toBe('/s/soc/api/saved_objects/_import?overwrite=true');
    expect(received[0]?.headers.authorization).toBe(`ApiKey ${API_KEY}`);
  });

  it('sends credentials written in the URL as Basic auth and prints the URL without them', async () => {
    const withCredentials = loopback.url.replace('http://', `http://${USER}:${encodeURIComponent(PASSWORD)}@`);
    const result = await importSavedObjects({ kibanaUrl: withCredentials, ndjson: KIBANA_NDJSON, target: 'kibana' });
    expect(result.success).toBe(true);
    expect(received[0]?.headers.authorization).toBe(`Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`);
  });

  it('reports objects Kibana refused, with the reason, and success false', async () => {
    behaviour.failures = {
      [IDS[3] ?? '']: { type: 'missing_references', references: [{ type: 'index-pattern', id: 'iochunt-soc-alerts-data-view' }] },
      [IDS[4] ?? '']: { type: 'unknown', message: 'Saved object [search/x] is managed', statusCode: 400 },
    };
    const result = await importSavedObjects({ kibanaUrl: loopback.url, ndjson: KIBANA_NDJSON, user: USER, password: PASSWORD, target: 'kibana' });

    expect(result.success).toBe(false);
    expect(result.results.filter((r) => !r.ok)).toEqual([
      {
        id: IDS[3],
        type: 'search',
        ok: false,
        title: 'iochunt – CERTFR-2021-IOC-003 (soc)',
        error: 'missing references: index-pattern:iochunt-soc-alerts-data-view',
      },
      { id: IDS[4], type: 'search', ok: false, title: 'iochunt – live-tagged events (soc)', error: 'Saved object [search/x] is managed' },
    ]);
    expect(result.results.filter((r) => r.ok)).toHaveLength(3);
  });

  it('refused credentials: one line naming the user, never the password', async () => {
    const error = await captureError(importSavedObjects({ kibanaUrl: loopback.url, ndjson: KIBANA_NDJSON, user: USER, password: 'wrong-pw-123', target: 'kibana' }));
    expect(error).toBeInstanceOf(KibanaError);
    expect((error as KibanaError).kind).toBe('auth');
    expect(error.message).toBe(
      `authentication failed at ${loopback.url} for user "elastic": check --user/--password (IOCHUNT_USER/IOCHUNT_PASSWORD) or --api-key`,
    );
    expect(error.message).not.toContain('wrong-pw-123');
  });

  it('403: permission denied with Kibana\'s reason, secrets removed', async () => {
    behaviour.raw = reply(403, { statusCode: 403, error: 'Forbidden', message: `Unable to bulk_create search for ${PASSWORD}` });
    const error = await captureError(importSavedObjects({ kibanaUrl: loopback.url, ndjson: KIBANA_NDJSON, user: USER, password: PASSWORD, target: 'kibana' }));
    expect((error as KibanaError).kind).toBe('forbidden');
    expect(error.message).toBe(`permission denied importing saved objects at ${loopback.url}: Unable to bulk_create search for ***`);
  });

  it('a missing xsrf header answer suggests checking --target', async () => {
    const error = await captureError(importSavedObjects({ kibanaUrl: `${loopback.url}/osd`, ndjson: KIBANA_NDJSON, user: USER, password: PASSWORD, target: 'kibana' }));
    expect((error as KibanaError).kind).toBe('server');
    expect(error.message).toBe(
      `${loopback.url}/osd refused the import with HTTP 400: Request must contain a osd-xsrf header.: is --target kibana right for this server?`,
    );
  });

  it('a URL with a base path Kibana does not serve (Kibana\'s own 404) is named as the wrong URL', async () => {
    const error = await captureError(importSavedObjects({ kibanaUrl: `${loopback.url}/kibana`, ndjson: KIBANA_NDJSON, user: USER, password: PASSWORD, target: 'kibana' }));
    expect(received.map((r) => r.url)).toEqual(['/kibana/api/saved_objects/_import?overwrite=true']);
    expect((error as KibanaError).kind).toBe('unsupported');
    expect(error.message).toContain('has no saved objects import API (HTTP 404)');
    expect(error.message).toBe(
      `${loopback.url}/kibana has no saved objects import API (HTTP 404): point --kibana-url at Kibana (usually port 5601), with its base path or /s/<space> if any`,
    );
  });

  it('the fake answers a path Kibana does not serve with Kibana\'s 404 body', async () => {
    const response = await fetch(`${loopback.url}/kibana/api/saved_objects/_import`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(KIBANA_NOT_FOUND);
  });

  it('a 200 that is not an import answer is an error, not a success', async () => {
    behaviour.raw = { status: 200, body: '<html>login</html>', contentType: 'text/html' };
    const error = await captureError(importSavedObjects({ kibanaUrl: loopback.url, ndjson: KIBANA_NDJSON, target: 'kibana' }));
    expect(error.message).toBe(`${loopback.url} did not answer like Kibana's saved objects API: <html>login</html>`);
  });

  it('an unreachable Kibana: one line, no credentials', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const error = await captureError(
      importSavedObjects({ kibanaUrl: `http://${USER}:${PASSWORD}@127.0.0.1:${port}`, ndjson: KIBANA_NDJSON, target: 'kibana', timeoutMs: 5000 }),
    );
    expect((error as KibanaError).kind).toBe('unreachable');
    expect(error.message).toBe(`cannot reach http://127.0.0.1:${port} (ECONNREFUSED): set --kibana-url to a running Kibana`);
    expect(error.message).not.toContain(PASSWORD);
  });

  it('refuses bad input before sending anything', async () => {
    await expect(importSavedObjects({ kibanaUrl: loopback.url, ndjson: '{"type":"search"\n', target: 'kibana' })).rejects.toThrow(InputError);
    await expect(importSavedObjects({ kibanaUrl: loopback.url, ndjson: '\n', target: 'kibana' })).rejects.toThrow(InputError);
    await expect(importSavedObjects({ kibanaUrl: 'localhost:5601', ndjson: KIBANA_NDJSON, target: 'kibana' })).rejects.toThrow(ConfigError);
    expect(received).toHaveLength(0);
  });

  it('names the file and line of a malformed export', async () => {
    const error = await captureError(importSavedObjects({ kibanaUrl: loopback.url, ndjson: `${KIBANA_NDJSON}not json\n`, target: 'kibana', sourceName: 'export.ndjson' }));
    expect(error.message).toBe('export.ndjson:line 6: not an NDJSON export of saved objects: this line is not JSON');
  });
});
