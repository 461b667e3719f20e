import { buildDeactivatedDocument, buildIocDocument, type IocDocument } from '../../../src/core/ioc/build-ioc-document.js';
import { huntIocFromDocument, type HuntIoc } from '../../../src/core/hunt/hunt-ioc.js';
import { buildIocId } from '../../../src/core/ioc/ioc-id.js';
import { normalizeIndicator } from '../../../src/core/ioc/normalize-indicator.js';
import type { IocProvenance, NormalizeOptions } from '../../../src/core/ioc/types.js';

export const SYNCED_AT = '2024-05-02T08:00:00.000Z';
export const HUNT_FROM = '2021-01-01T00:00:00.000Z';

export interface IocOptions extends IocProvenance {
  feed?: string;
  huntFrom?: string;
  hint?: string;
  normalize?: NormalizeOptions;
  /** Feed that listed the IOC and then dropped it (`--replace`): the document keeps it inactive. */
  droppedBy?: string;
  /** Loaded with `sync --exact-domains`. */
  exactDomains?: boolean;
}

/**
 * A HuntIoc exactly as a hunt reads it back: the value goes through sync's normaliser and
 * document builder, the id is the stored `_id`.
 */
export function makeIoc(raw: string, options: IocOptions = {}): HuntIoc {
  return huntIocFromDocument(...storedIoc(raw, options));
}

export function storedIoc(raw: string, options: IocOptions = {}): [string, IocDocument] {
  const { feed = 'CERTFR-2021-IOC-003', huntFrom = HUNT_FROM, hint, normalize, droppedBy, exactDomains, ...provenance } = options;
  const result = normalizeIndicator(raw, hint, normalize);
  if (!result.ok) throw new Error(`fixture IOC ${raw} rejected: ${result.reason}`);
  const parsed = { ...result.ioc, ...provenance, location: { file: 'bulletin.csv', line: 2 } };
  let document = buildIocDocument(parsed, { name: feed, huntFrom, now: SYNCED_AT, setVersion: 1, ...(exactDomains ? { exactDomains } : {}) }).document;
  if (droppedBy !== undefined) {
    document = buildIocDocument(parsed, { name: droppedBy, huntFrom, now: SYNCED_AT, setVersion: 1 }, document).document;
    document = buildDeactivatedDocument(document, droppedBy, { now: SYNCED_AT, setVersion: 2 }).document;
  }
  return [buildIocId(result.ioc.type, result.ioc.value), document];
}

/** Freezes a value and everything in it, so any write by the code under test throws. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export const SHA256 = '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f';
export const MD5 = '44d88612fea8a8f36de82e1278abb02f';
export const SHA1 = '3395856ce81f2b7382dee72602f798b642f14140';
export const SHA512 =
  'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e';

/** Filebeat zeek module, conn.log: nested ECS, `related.ip` repeating the endpoints. */
export const ZEEK_CONN = {
  '@timestamp': '2022-03-14T09:26:53.123Z',
  event: { kind: 'event', category: ['network'], type: ['connection', 'start'], dataset: 'zeek.connection', module: 'zeek' },
  source: { ip: '10.20.30.40', port: 49832, packets: 12, bytes: 1733 },
  destination: { ip: '45.83.1.2', port: 443, packets: 10, bytes: 5123, geo: { country_iso_code: 'NL' } },
  network: { transport: 'tcp', community_id: '1:Lz4GrUBWMHWb1sRE0T2Fh0p6K4A=', direction: 'outbound' },
  related: { ip: ['10.20.30.40', '45.83.1.2'] },
  zeek: { session_id: 'CHhAvVGS1DHFjwGM9', connection: { state: 'SF', history: 'ShADadFf' } },
  host: { name: 'zeek-sensor-01' },
  observer: { hostname: 'zeek-sensor-01', type: 'sensor', vendor: 'Zeek' },
  agent: { type: 'filebeat', version: '7.17.9' },
};

/** Zeek dns.log: an upper-case query name with the root dot, as some resolvers log it. */
export const ZEEK_DNS = {
  '@timestamp': '2022-03-14T09:26:52.901Z',
  event: { kind: 'event', category: ['network'], type: ['protocol'], dataset: 'zeek.dns' },
  source: { ip: '10.20.30.40', port: 53211 },
  destination: { ip: '10.20.0.53', port: 53 },
  dns: {
    id: 48211,
    type: 'query',
    question: { name: 'Update.EVIL-C2.Example.', type: 'A', class: 'IN', registered_domain: 'evil-c2.example' },
    answers: [
      { name: 'update.evil-c2.example', type: 'A', data: '45.83.1.2', ttl: 300 },
      { name: 'update.evil-c2.example', type: 'A', data: '185.220.101.47', ttl: 300 },
    ],
    resolved_ip: ['45.83.1.2', '185.220.101.47'],
  },
  related: { ip: ['10.20.30.40', '10.20.0.53'], hosts: ['Update.EVIL-C2.Example.'] },
  network: { transport: 'udp', protocol: 'dns' },
};

/**
 * Suricata eve.json http event shipped by a custom Logstash pipeline that writes flattened
 * dotted keys, with an IPv4-mapped IPv6 address (dual-stack sensor) and an upper-case host.
 */
export const SURICATA_HTTP: Record<string, unknown> = {
  '@timestamp': '2023-11-02T17:45:10.000Z',
  'event.kind': 'event',
  'event.action': 'http_request',
  'event.module': 'suricata',
  'source.ip': '::ffff:45.83.1.2',
  'source.port': 80,
  'destination.ip': '10.20.30.41',
  destination: { port: 51514, 'nat.ip': '185.220.101.255' },
  'url.full': 'HTTP://Malware.EXAMPLE/payload.bin',
  'url.original': '/payload.bin',
  'url.domain': 'Malware.EXAMPLE',
  'url.path': '/payload.bin',
  'http.request.method': 'GET',
  'user_agent.original': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
  'observer.name': 'suricata-dmz',
  'network.transport': 'tcp',
  'suricata.eve.flow_id': 1911853023440613,
  'tls.client.server_name': null,
  related: { ip: ['::ffff:45.83.1.2', '10.20.30.41', '185.220.101.255'] },
};

/** Winlogbeat Sysmon event 1 (process creation): upper-case hashes as Sysmon writes them. */
export const SYSMON_PROCESS = {
  '@timestamp': '2021-09-27T06:12:44.512Z',
  event: { kind: 'event', code: '1', category: ['process'], type: ['start'], action: 'Process Create (rule: ProcessCreate)', module: 'sysmon' },
  host: { name: 'WS-FIN-042', hostname: 'ws-fin-042', os: { family: 'windows', version: '10.0' }, ip: ['10.20.31.42', 'fe80::9d3e:3a41:bf7c:21a0'] },
  user: { domain: 'CORP', name: 'j.martin', email: 'J.Martin@corp.example' },
  process: {
    pid: 6120,
    executable: 'C:\\Users\\j.martin\\AppData\\Local\\Temp\\svchost.exe',
    command_line: '"C:\\Users\\j.martin\\AppData\\Local\\Temp\\svchost.exe" -k netsvcs',
    hash: { md5: MD5.toUpperCase(), sha1: SHA1.toUpperCase(), sha256: SHA256.toUpperCase() },
    parent: { executable: 'C:\\Windows\\explorer.exe', pid: 4412 },
  },
  related: { user: ['j.martin'], hash: [MD5.toUpperCase(), SHA1.toUpperCase(), SHA256.toUpperCase()] },
  winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: '1', record_id: '882131' },
  agent: { type: 'winlogbeat', version: '8.11.1' },
};

/** A mail gateway event: several recipients, a sender display address, an IDN sender domain. */
export const MAIL_GATEWAY = {
  '@timestamp': '2022-01-10T08:03:00Z',
  event: { kind: 'event', category: ['email'], type: ['info'], action: 'delivered' },
  email: {
    from: { address: ['Phish@Evil-Mail.example'] },
    to: { address: ['j.martin@corp.example', 'a.dupont@corp.example', 'j.martin@corp.example'] },
    sender: { address: 'bounce@BÜCHER-update.example' },
    subject: 'Facture impayée',
  },
  source: { ip: '2a0d:5600:24:ffff::25', domain: 'mx.Evil-Mail.example' },
  related: { hosts: ['mx.evil-mail.example'] },
};
