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
    const job = parse(read('k8s-cronjob.yaml')) as { kind: string; spec: { concurrencyPolicy: string; jobTemplate: { spec: { template: { spec: { containers: { args: string[] }[] } } } } } };
    expect(job.kind).toBe('CronJob');
    expect(job.spec.concurrencyPolicy).toBe('Forbid');
    expect(job.spec.jobTemplate.spec.template.spec.containers[0]?.args).toEqual(expect.arrayContaining(['schedule', '--ticks', '1']));
    const role = JSON.parse(read('iochunt-role.json')) as { indices: { names: string[] }[] };
    expect(role.indices.flatMap((i) => i.names)).toEqual(['logs-*', 'filebeat-*', 'packetbeat-*', 'winlogbeat-*', 'iochunt-iocs', 'iochunt-state', 'iochunt-alerts', 'iochunt-alerts-*']);
  });
});
