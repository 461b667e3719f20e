import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(`../../docker/${path}`, import.meta.url), 'utf8');

describe('docker/ files (no Docker engine here: checked as data)', () => {
  it('the compose files parse and pin the engine versions iochunt is tested with', () => {
    const es = parse(read('elasticsearch/compose.yaml')) as { services: Record<string, { image?: string; command?: string[] }> };
    expect(Object.keys(es.services).sort()).toEqual(['elasticsearch', 'iochunt', 'kibana', 'kibana-password']);
    expect(es.services.elasticsearch?.image).toBe('docker.elastic.co/elasticsearch/elasticsearch:8.19.9');
    expect(es.services.kibana?.image).toBe('docker.elastic.co/kibana/kibana:8.19.9');
    expect(es.services.iochunt?.command?.slice(0, 3)).toEqual(['schedule', '--every', '15m']);
    const os = parse(read('opensearch/compose.yaml')) as { services: Record<string, { image?: string }> };
    expect(Object.values(os.services).map((s) => s.image)).toEqual(['opensearchproject/opensearch:2.19.1', 'opensearchproject/opensearch-dashboards:2.19.1']);
  });

  it('the CronJob runs one scheduler tick and the role names only iochunt and log indices', () => {
    type Container = { args: string[]; env?: { name: string; value?: string }[]; envFrom?: unknown[]; volumeMounts?: { name: string; mountPath: string }[] };
    type PodSpec = { containers: Container[]; volumes?: { name: string; secret?: { secretName: string } }[] };
    const job = parse(read('k8s-cronjob.yaml')) as { kind: string; spec: { concurrencyPolicy: string; jobTemplate: { spec: { template: { spec: PodSpec } } } } };
    expect(job.kind).toBe('CronJob');
    expect(job.spec.concurrencyPolicy).toBe('Forbid');
    const pod = job.spec.jobTemplate.spec.template.spec;
    const container = pod.containers[0]!;
    expect(container.args).toEqual(expect.arrayContaining(['schedule', '--ticks', '1']));
    // Secrets as files (issue 14, item 4): the key's variable names a file in the mounted secret, and no secret is an environment value.
    const env = new Map((container.env ?? []).map((e) => [e.name, e.value]));
    const mount = container.volumeMounts?.find((m) => pod.volumes?.some((v) => v.name === m.name && v.secret?.secretName === 'iochunt'));
    expect(mount).toBeDefined();
    expect(env.get('IOCHUNT_API_KEY_FILE')?.startsWith(`${mount!.mountPath}/`)).toBe(true);
    expect(env.has('IOCHUNT_API_KEY')).toBe(false);
    expect(env.has('IOCHUNT_PASSWORD')).toBe(false);
    expect(container.envFrom).toBeUndefined();
    const role = JSON.parse(read('iochunt-role.json')) as { indices: { names: string[] }[] };
    expect(role.indices.flatMap((i) => i.names)).toEqual(['logs-*', 'filebeat-*', 'packetbeat-*', 'winlogbeat-*', 'iochunt-iocs', 'iochunt-state', 'iochunt-alerts', 'iochunt-alerts-*']);
  });
});
