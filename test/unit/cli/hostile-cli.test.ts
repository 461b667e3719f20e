import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import { useLoopbackServer } from '../../helpers/loopback-server.js';
import { useTempFiles } from '../../helpers/temp-files.js';

/** One loopback HTTP server whose answer each test sets. */
let answer: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => response.end('hello');
const loopback = useLoopbackServer((request, response) => answer(request, response));
/** `127.0.0.1:<port>`, for URLs with user info. */
const host = (): string => loopback.url.slice('http://'.length);

/** The CLI in-process; `terminal`: its stderr is a terminal (people), as for most of these tests. */
async function cli(argv: string[], terminal = true): Promise<{ exitCode: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const result = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), errIsTerminal: terminal });
  return { exitCode: result.exitCode, out: out.join('\n'), err: [...err, result.error ?? ''].join('\n') };
}

const files = useTempFiles('hostile-cli');

describe('the CLI prints no credential (issue 12, defect 1)', () => {
  it('a password in --url is not printed when the server is not a cluster', async () => {
    answer = (_request, response) => response.end('<html>welcome</html>');
    const run = await cli(['status', '--url', `http://alice:S3cretPw@${host()}`]);
    expect(run.exitCode).toBe(1);
    expect(run.err).toContain('does not look like Elasticsearch or OpenSearch');
    expect(run.err).not.toContain('S3cretPw');
    expect(run.err).not.toContain('alice');
  });

  it('nor when --engine contradicts the cluster', async () => {
    answer = (_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ cluster_name: 'c', version: { number: '2.19.1', distribution: 'opensearch' } }));
    };
    const run = await cli(['status', '--engine', 'elasticsearch', '--url', `http://alice:S3cretPw@${host()}`]);
    expect(run.exitCode).toBe(2);
    expect(run.err).toContain('is opensearch');
    expect(run.err).not.toContain('S3cretPw');
  });

  it('a malformed URL whose password holds "/" is not echoed with it', async () => {
    const run = await cli(['status', '--url', 'http://alice:pa/ssW0rd@127.0.0.1:bad']);
    expect(run.exitCode).toBe(2);
    expect(run.err).toContain('is not a URL');
    expect(run.err).not.toContain('ssW0rd');
  });

  it('a --config file that is not valid JSON is located, not quoted', async () => {
    const config = files.file('bad.json', '{\n  "password": "Conf1gSecret" "url": 1\n}');
    const run = await cli(['status', '--config', config]);
    expect(run.exitCode).toBe(2);
    expect(run.err).toMatch(/is not valid JSON at line 2, column \d+: fix the file/);
    expect(run.err).not.toContain('Conf1gSecret');
  });

  it('a Basic Authorization value a server echoes is redacted', async () => {
    answer = (request, response) => {
      response.statusCode = 500;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ error: { type: 'x', reason: `rejected header Authorization: ${request.headers.authorization}` } }));
    };
    const run = await cli(['status', '--url', `http://${host()}`, '--user', 'alice', '--password', 'S3cretPw']);
    expect(run.exitCode).toBe(1);
    expect(run.err).toContain('rejected header Authorization: Basic ***');
    expect(run.err).not.toContain(Buffer.from('alice:S3cretPw').toString('base64'));
  });

  it('a token in a source URL is neither printed nor put in --json', async () => {
    answer = (_request, response) => response.end('198.51.100.7\n');
    const source = `http://${host()}/feed.txt?apikey=T0kenValue&day=1`;
    for (const json of [[], ['--json']]) {
      const run = await cli(['sync', '--dry-run', source, ...json]);
      expect(run.exitCode).toBe(0);
      expect(run.out).toContain('apikey=***');
      expect(`${run.out}${run.err}`).not.toContain('T0kenValue');
    }
  });
});

describe('the CLI shows control characters instead of obeying them (issue 12, defect 8)', () => {
  it('a MISP event info with ESC and BEL is escaped in the sync table', async () => {
    const event = { Event: { info: 'APT \u001b]0;pwned-title\u0007\u001b[2J', uuid: '5f1c7c80-0000-4000-8000-000000000001', Attribute: [{ type: 'ip-dst', value: '198.51.100.7', to_ids: true }] } };
    const run = await cli(['sync', '--dry-run', files.file('event.json', JSON.stringify(event))]);
    expect(run.exitCode).toBe(0);
    expect(run.out).toContain('APT \\u001b]0;pwned-title\\u0007\\u001b[2J');
    expect(controlsIn(run.out)).toEqual([]);
  });

  it('an error reason with terminal controls is one escaped line', async () => {
    answer = (_request, response) => {
      response.statusCode = 500;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ error: { type: 'x', reason: 'boom\u001b[2J\u0007\r\nforged line' } }));
    };
    const run = await cli(['status', '--url', `http://${host()}`]);
    expect(run.exitCode).toBe(1);
    expect(controlsIn(run.err)).toEqual([]);
    expect(run.err).toContain('boom\\u001b[2J\\u0007');
  });

  it('a rejected IOC value with controls is not raw in the table, and --json keeps it exactly (JSON escapes it)', async () => {
    const list = files.file('list.txt', 'evil\u001b[31m.example\n198.51.100.7\n');
    const text = await cli(['sync', '--dry-run', list]);
    expect(text.out).not.toContain('\u001b');
    const json = await cli(['sync', '--dry-run', '--json', list]);
    const report = JSON.parse(json.out) as { rejected: { value: string }[] };
    expect(report.rejected[0]?.value).toBe('evil\u001b[31m.example');
  });
});

/** The characters of a text a terminal would act on (C0 but tab and newline, DEL, C1, RLO). */
function controlsIn(text: string): string[] {
  return [...text].filter((char) => {
    const code = char.charCodeAt(0);
    return (code < 0x20 && char !== '\n' && char !== '\t') || (code >= 0x7f && code <= 0x9f) || code === 0x202e;
  });
}

describe('one input error line where an internal error or a quote of the input was (issue 12, defect 7)', () => {
  it('pipelines simulate of a missing file says so, before any connection', async () => {
    const run = await cli(['pipelines', 'simulate', '/nonexistent/events.ndjson', '--url', 'http://127.0.0.1:1']);
    expect(run.exitCode).toBe(1);
    expect(run.err.trim()).toBe('cannot read /nonexistent/events.ndjson: ENOENT');
  });

  it('pipelines simulate of a file that is not JSON gives its place, not its text', async () => {
    const events = files.file('events.ndjson', '{"a": 1}\n{"password": "Ev3ntSecret" oops}\n');
    const run = await cli(['pipelines', 'simulate', events, '--url', 'http://127.0.0.1:1']);
    expect(run.exitCode).toBe(2);
    expect(run.err).toMatch(/not JSON or NDJSON events: invalid JSON at line 2, column \d+/);
    expect(run.err).not.toContain('Ev3ntSecret');
  });

  it('a JSON source that does not parse gives its place, not its text', async () => {
    const source = files.file('bundle.json', '{"type": "bundle", "objects": [{"x": "S0urceText" ]}');
    const run = await cli(['sync', '--dry-run', source]);
    expect(run.exitCode).toBe(2);
    expect(run.err).toMatch(/bundle\.json: invalid JSON at line 1, column \d+/);
    expect(run.err).not.toContain('S0urceText');
  });
});

describe('answers that are not a cluster\'s (issue 12, defect 7)', () => {
  it('a cluster health body without status is one line naming the problem, not a TypeError', async () => {
    answer = (request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(request.url === '/' ? JSON.stringify({ cluster_name: 'c', version: { number: '2.19.1', distribution: 'opensearch' } }) : '{}');
    };
    const run = await cli(['status', '--url', `http://${host()}`]);
    expect(run.exitCode).toBe(1);
    expect(run.err.trim()).toBe(
      `reading cluster health at http://${host()}: the answer has no green/yellow/red status, so it is not from Elasticsearch or OpenSearch: check --url`,
    );
  });
});

describe('the limits the messages name can be raised (issue 12, defects 6 and 9)', () => {
  it('--max-download sets the download limit its message names', async () => {
    answer = (_request, response) => response.end(`${'198.51.100.7\n'.repeat(10)}`);
    const run = await cli(['sync', '--dry-run', '--allow-private', '--max-download', '64', `http://${host()}/feed.txt`]);
    expect(run.exitCode).toBe(1);
    expect(run.err).toContain(`http://${host()}/feed.txt: larger than 64 bytes (the size limit): raise it with --max-download BYTES`);
    const raised = await cli(['sync', '--dry-run', '--allow-private', '--max-download', '4096', `http://${host()}/feed.txt`]);
    expect(raised.exitCode).toBe(0);
  });

  it('--max-response sets the cluster answer limit its message names', async () => {
    answer = (_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ cluster_name: 'c'.repeat(500), version: { number: '2.19.1', distribution: 'opensearch' } }));
    };
    const run = await cli(['status', '--max-response', '256', '--url', `http://${host()}`]);
    expect(run.exitCode).toBe(1);
    expect(run.err).toContain('the answer is larger than 256 bytes (the response limit): check --url, or raise the limit with --max-response BYTES');
  });
});

describe('secrets from files (issue 14, item 4)', () => {
  it('--password-file is read without its trailing newline, sent, and never printed', async () => {
    let seenAuthorization = '';
    answer = (request, response) => {
      seenAuthorization = request.headers.authorization ?? '';
      response.statusCode = 401;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ error: { type: 'security_exception', reason: `unable to authenticate with ${request.headers.authorization}` }, status: 401 }));
    };
    const secret = files.file('password', 'Canary-F1le-Secret\n');
    const run = await cli(['status', '--url', `http://${host()}`, '--user', 'alice', '--password-file', secret]);
    expect(seenAuthorization).toBe(`Basic ${Buffer.from('alice:Canary-F1le-Secret').toString('base64')}`);
    expect(run.exitCode).toBe(1);
    expect(run.err).toContain('authentication failed');
    expect(`${run.out}${run.err}`).not.toContain('Canary-F1le-Secret');
    expect(`${run.out}${run.err}`).not.toContain(Buffer.from('alice:Canary-F1le-Secret').toString('base64'));
  });

  it('a missing or empty secret file, or a secret given twice, is one line that does not print it', async () => {
    const missing = await cli(['status', '--user', 'alice', '--password-file', '/nonexistent/pw']);
    expect([missing.exitCode, missing.err.trim()]).toEqual([2, '--password-file /nonexistent/pw: cannot read it (ENOENT)']);
    const empty = await cli(['status', '--api-key-file', files.file('empty-key', '\n')]);
    expect(empty.err.trim()).toMatch(/^--api-key-file .*empty-key: the file is empty$/);
    const twice = await cli(['status', '--user', 'alice', '--password', 'Tw1ce-Secret', '--password-file', files.file('pw2', 'x\n')]);
    expect([twice.exitCode, twice.err.trim()]).toEqual([2, 'use either --password or --password-file, not both']);
  });

  it('a password from the --config file is never printed either, even when a server quotes it', async () => {
    answer = (_request, response) => {
      response.statusCode = 500;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ error: { type: 'x', reason: 'bad credentials Conf1g-Echoed-Pw' } }));
    };
    const config = files.file('echo.json', JSON.stringify({ url: `http://${host()}`, user: 'alice', password: 'Conf1g-Echoed-Pw' }));
    const run = await cli(['status', '--config', config]);
    expect(run.exitCode).toBe(1);
    expect(run.err).toContain('bad credentials ***');
  });

  it('a config file holding a password that others can read gets a warning', async () => {
    answer = (_request, response) => response.end('<html>not a cluster</html>');
    const config = files.file('open.json', JSON.stringify({ url: `http://${host()}`, user: 'alice', password: 'C0nfig-Secret' }));
    const { chmodSync } = await import('node:fs');
    chmodSync(config, 0o644);
    const open = await cli(['status', '--config', config]);
    expect(open.err).toContain(`iochunt: warning: --config ${config} holds a password and others can read it (mode 644): chmod 600 it, or move the secret to --password-file`);
    expect(open.err).not.toContain('C0nfig-Secret');
    chmodSync(config, 0o600);
    expect((await cli(['status', '--config', config])).err).not.toContain('warning');
  });
});

describe('logs (issue 14, item 3)', () => {
  const openSearchRoot = (request: IncomingMessage, response: ServerResponse): void => {
    response.setHeader('content-type', 'application/json');
    response.end(request.url === '/' ? JSON.stringify({ cluster_name: 'c', version: { number: '2.19.1', distribution: 'opensearch' } }) : '{}');
  };

  it('--log-level debug --log-format json: one JSON line per cluster request, and no secret at any level', async () => {
    answer = openSearchRoot;
    const run = await cli(['status', '--log-level', 'debug', '--log-format', 'json', '--url', `http://${host()}`, '--user', 'alice', '--password', 'Canary-L0g-Pw']);
    const lines = run.err.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = lines.filter((line) => line.msg === 'cluster request');
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests[0]).toMatchObject({ level: 'debug', method: 'GET', path: '/', status: 200, attempts: 0 });
    expect(typeof requests[0]!.ms).toBe('number');
    expect(lines.some((line) => line.msg === 'connected' && line.flavor === 'opensearch')).toBe(true);
    for (const level of ['trace', 'debug', 'info', 'warn', 'error']) {
      const any = await cli(['status', '--log-level', level, '--log-format', 'json', '--url', `http://alice:Canary-L0g-Pw@${host()}`]);
      expect(`${any.out}${any.err}`, level).not.toContain('Canary-L0g-Pw');
      expect(`${any.out}${any.err}`, level).not.toContain(Buffer.from('alice:Canary-L0g-Pw').toString('base64'));
    }
  }, 30_000);

  it('without --log-format: text on a terminal, JSON lines elsewhere; the default level prints no request line', async () => {
    answer = openSearchRoot;
    const text = await cli(['status', '--log-level', 'debug', '--url', `http://${host()}`]);
    expect(text.err).toMatch(/^iochunt: debug: cluster request method=GET path=\/ status=200 ms=\d+ attempts=0$/m);
    const piped = await cli(['status', '--log-level', 'debug', '--url', `http://${host()}`, '--password', 'Canary-L0g-Pw', '--user', 'alice'], false);
    const logLines = piped.err.split('\n').filter((line) => line.includes('cluster request'));
    expect(logLines.length).toBeGreaterThanOrEqual(2);
    for (const line of logLines) expect(JSON.parse(line)).toMatchObject({ level: 'debug', msg: 'cluster request', method: 'GET' });
    expect(piped.err).not.toContain('Canary-L0g-Pw');
    const quiet = await cli(['status', '--url', `http://${host()}`]);
    expect(quiet.err).not.toContain('cluster request');
  });
});
