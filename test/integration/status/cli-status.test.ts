import { describe, expect, inject, it } from 'vitest';
import { runIochunt, stderrLines } from '../../helpers/run-cli.js';

const engines = inject('engines');
const os = engines.find((e) => e.flavor === 'opensearch')!;
const es = engines.find((e) => e.flavor === 'elasticsearch')!;

describe('iochunt status (the built CLI)', () => {
  it('prints the OpenSearch flavour and version as JSON', async () => {
    const run = await runIochunt(['status', '--json', '--url', os.url]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { engine: { flavor: string; version: string }; ingest: { script: boolean } };
    expect(report.engine.flavor).toBe('opensearch');
    expect(report.engine.version).toMatch(/^[23]\.\d+\.\d+$/);
    expect(report.ingest.script).toBe(true);
  });

  it('authenticates to Elasticsearch with the right password', async () => {
    const run = await runIochunt(['status', '--url', es.url, '--user', es.user!, '--password', es.password!]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^engine\s+elasticsearch [89]\.\d+\.\d+ at http/m);
    expect(run.stdout).not.toContain(es.password!);
  });

  it('iochunt --log-level debug status, stderr not a terminal: JSON log lines, one per cluster request, no secret', async () => {
    // An empty IOCHUNT_LOG_FORMAT leaves it unset (runIochunt): the default for a pipe.
    const run = await runIochunt(['--log-level', 'debug', 'status', '--url', es.url, '--user', es.user!, '--password', es.password!], { IOCHUNT_LOG_FORMAT: '' });
    expect(run.code, run.stderr).toBe(0);
    const lines = stderrLines(run).map((line) => JSON.parse(line) as { level: string; msg: string; method?: string; status?: number });
    expect(lines.filter((line) => line.msg === 'cluster request').length).toBeGreaterThanOrEqual(3);
    expect(lines.every((line) => line.level === 'debug' || line.level === 'info' || line.level === 'warn')).toBe(true);
    expect(`${run.stdout}${run.stderr}`).not.toContain(es.password!);
    expect(run.stderr).not.toContain(Buffer.from(`${es.user!}:${es.password!}`).toString('base64'));
  });

  it('reads URL and credentials from IOCHUNT_* variables', async () => {
    const run = await runIochunt(['status', '--json'], {
      IOCHUNT_URL: es.url,
      IOCHUNT_USER: es.user!,
      IOCHUNT_PASSWORD: es.password!,
    });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { engine: { flavor: string } }).engine.flavor).toBe('elasticsearch');
  });

  it('fails with one clear line and exit 1 on a wrong password, without printing it', async () => {
    const run = await runIochunt(['status', '--url', es.url, '--user', 'elastic', '--password', 'Wr0ng-Secret!']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(stderrLines(run)).toEqual([
      `iochunt: authentication failed at ${new URL(es.url).origin} for user "elastic": check --user/--password (IOCHUNT_USER/IOCHUNT_PASSWORD) or --api-key`,
    ]);
    expect(run.stderr).not.toContain('Wr0ng-Secret!');
  });

  it('does not print credentials embedded in the URL', async () => {
    const url = new URL(es.url);
    url.username = 'elastic';
    url.password = 'Url-Secret-42';
    const run = await runIochunt(['status', '--url', url.toString()]);
    expect(run.code).toBe(1);
    expect(stderrLines(run)).toHaveLength(1);
    expect(run.stderr).toContain('authentication failed');
    expect(run.stderr).not.toContain('Url-Secret-42');
  });

  it('fails with one clear line and exit 1 when the cluster is unreachable', async () => {
    const run = await runIochunt(['status', '--url', 'http://127.0.0.1:1']);
    expect(run.code).toBe(1);
    expect(stderrLines(run)).toEqual([
      'iochunt: cannot reach http://127.0.0.1:1 (ECONNREFUSED): set --url or IOCHUNT_URL to a running cluster',
    ]);
  });

  it('refuses an --engine that contradicts the cluster with exit 2', async () => {
    const run = await runIochunt(['status', '--engine', 'elasticsearch', '--url', os.url]);
    expect(run.code).toBe(2);
    expect(stderrLines(run)).toEqual([
      `iochunt: --engine elasticsearch, but the cluster at ${os.url} is opensearch: use --engine auto or opensearch`,
    ]);
  });

  it('reports a TLS failure in one line when the scheme is wrong', async () => {
    const run = await runIochunt(['status', '--url', os.url.replace('http:', 'https:')]);
    expect(run.code).toBe(1);
    expect(stderrLines(run)).toHaveLength(1);
    expect(run.stderr).toMatch(/^iochunt: TLS handshake with https:\/\/.* failed .*--ca FILE/);
  });
});

describe('iochunt usage', () => {
  it('--help lists only the commands that work', async () => {
    const run = await runIochunt(['--help']);
    expect(run.code).toBe(0);
    const commands = run.stdout
      .split('\n')
      .map((line) => /^\s+iochunt (\w+)/.exec(line)?.[1])
      .filter(Boolean);
    expect(commands).toEqual(['sync', 'hunt', 'pipelines', 'schedule', 'watch', 'kibana', 'report', 'demo', 'status']);
  });

  it('--version prints the package version', async () => {
    const run = await runIochunt(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('an unknown command or flag is a usage error: exit 2, one line', async () => {
    for (const args of [['hunt-everything'], ['status', '--no-such-flag'], []]) {
      const run = await runIochunt(args);
      expect(run.code).toBe(2);
      expect(stderrLines(run)).toHaveLength(1);
    }
  });

  it('a bad --url is a usage error naming the value', async () => {
    const run = await runIochunt(['status', '--url', 'ftp://x']);
    expect(run.code).toBe(2);
    expect(stderrLines(run)).toEqual(['iochunt: --url: ftp: is not supported: use http:// or https://']);
  });
});
