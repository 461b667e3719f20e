import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterError } from '../../../src/errors.js';
import { connect } from '../../../src/io/engine/connect.js';
import type { Engine } from '../../../src/io/engine/engine.js';
import { runEnrichPolicy } from '../../../src/io/live/run-enrich-policy.js';

/**
 * A loopback stand-in for Elasticsearch's enrich and task APIs, answering as the real ones do
 * (shapes from the Elasticsearch specification: EnrichExecutePolicyResponse, EnrichStatsResponse,
 * TasksGetResponse). The enrich processor is not on Maven Central, so this is how its REST
 * protocol is tested here; the whole path runs in test/docker/ where Docker exists.
 */
let route: (request: IncomingMessage, response: ServerResponse) => boolean = () => false;
const seen: string[] = [];
let server: Server;
let engine: Engine;

function json(response: ServerResponse, status: number, body: unknown): true {
  response.writeHead(status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
  response.end(JSON.stringify(body));
  return true;
}

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    if (request.url === '/') return json(response, 200, { cluster_name: 'c', version: { number: '8.19.0' } });
    if (!route(request, response)) json(response, 404, { error: { type: 'resource_not_found_exception', reason: 'no' }, status: 404 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  engine = await connect({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
afterAll(async () => {
  await engine.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A task that reports RUNNING `runningPolls` times, then ends as given. */
function taskRoute(id: string, runningPolls: number, end: { completed: true } | { error: string }): (request: IncomingMessage, response: ServerResponse) => boolean {
  let polls = 0;
  return (request, response) => {
    if (request.url !== `/_tasks/${encodeURIComponent(id)}`) return false;
    polls += 1;
    if (polls <= runningPolls) return json(response, 200, { completed: false, task: { id: 1, node: 'n1', status: { phase: 'RUNNING' } } });
    if ('error' in end) return json(response, 200, { completed: true, task: { status: { phase: 'FAILED' } }, error: { type: 'exception', reason: end.error } });
    return json(response, 200, { completed: true, task: { status: { phase: 'COMPLETE' } }, response: { status: { phase: 'COMPLETE' } } });
  };
}

describe('runEnrichPolicy (issue 16, item 3)', () => {
  it('starts the execution as a task, follows it with a line per phase, and returns when it completes', async () => {
    seen.length = 0;
    const task = taskRoute('n1:42', 2, { completed: true });
    route = (request, response) =>
      request.url === '/_enrich/policy/iochunt-ip-v3/_execute?wait_for_completion=false' ? json(response, 200, { task: 'n1:42' }) : task(request, response);
    const lines: string[] = [];
    await runEnrichPolicy(engine, 'iochunt-ip-v3', { pollMs: 5, onProgress: (line) => lines.push(line) });
    expect(seen.filter((r) => r.startsWith('POST'))).toEqual(['POST /_enrich/policy/iochunt-ip-v3/_execute?wait_for_completion=false']);
    expect(seen.filter((r) => r.startsWith('GET /_tasks'))).toHaveLength(3);
    expect(lines.map((l) => l.replace(/\(\d+ s\)/, '(N s)'))).toEqual([
      'executing enrich policy iochunt-ip-v3: RUNNING (N s)',
      'executing enrich policy iochunt-ip-v3: COMPLETE (N s)',
    ]);
  });

  it('follows the execution already running when a second execute is refused as in progress, instead of retrying it', async () => {
    seen.length = 0;
    const task = taskRoute('n2:7', 1, { completed: true });
    route = (request, response) => {
      if (request.url?.startsWith('/_enrich/policy/iochunt-ip-v4/_execute')) {
        return json(response, 429, {
          error: { type: 'es_rejected_execution_exception', reason: 'Could not obtain lock because policy execution for [iochunt-ip-v4] is already in progress.' },
          status: 429,
        });
      }
      if (request.url === '/_enrich/_stats') return json(response, 200, { executing_policies: [{ name: 'iochunt-ip-v4', task: { node: 'n2', id: 7, action: 'policy_execution' } }], coordinator_stats: [] });
      return task(request, response);
    };
    await runEnrichPolicy(engine, 'iochunt-ip-v4', { pollMs: 5 });
    expect(seen.filter((r) => r.startsWith('POST'))).toHaveLength(1);
    expect(seen).toContain('GET /_tasks/n2%3A7');
  });

  it('fails in one line when the task fails, naming the policy and the task', async () => {
    const task = taskRoute('n1:9', 0, { error: 'source index [iochunt-iocs] has no mapping for [iochunt.ip_range]' });
    route = (request, response) => (request.url?.startsWith('/_enrich/policy/iochunt-url-v5/_execute') ? json(response, 200, { task: 'n1:9' }) : task(request, response));
    const run = runEnrichPolicy(engine, 'iochunt-url-v5', { pollMs: 5 });
    await expect(run).rejects.toBeInstanceOf(ClusterError);
    await expect(run).rejects.toThrow(
      'enrich policy iochunt-url-v5 failed (task n1:9): source index [iochunt-iocs] has no mapping for [iochunt.ip_range]; the pipeline was not switched',
    );
  });

  it('gives up after its timeout with a line saying how to follow it, while the task still runs', async () => {
    const task = taskRoute('n1:10', 1_000, { completed: true });
    route = (request, response) => (request.url?.startsWith('/_enrich/policy/iochunt-hash-v6/_execute') ? json(response, 200, { task: 'n1:10' }) : task(request, response));
    const run = runEnrichPolicy(engine, 'iochunt-hash-v6', { pollMs: 5, timeoutMs: 60 });
    await expect(run).rejects.toThrow(/^enrich policy iochunt-hash-v6 is still executing after \d+ s \(task n1:10\): the pipeline was not switched; run pipelines install again to follow it$/);
  });
});
