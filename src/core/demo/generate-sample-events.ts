/**
 * Deterministic ECS log events for the demo, the integration tests and the benchmarks: network
 * connections, DNS queries, HTTP requests, file events and emails spread uniformly over a time
 * range, with IOC values planted into chosen events and fields. The ground truth is exact:
 * random values are drawn from pools that never contain a planted or avoided value.
 */

export type SampleKind = 'ip' | 'domain' | 'url' | 'hash' | 'email';

/** One IOC value to plant into one generated event. */
export interface Plant {
  value: string;
  kind: SampleKind;
  /** The ECS field to put it in (an array field such as `related.ip` gets it among others). */
  field: string;
  /** When the event happened (ISO); default: a deterministic time in the range. */
  at?: string;
}

export interface PlantedEvent extends Plant {
  eventId: string;
  timestamp: string;
}

export interface SampleEvent {
  id: string;
  timestamp: string;
  source: Record<string, unknown>;
  /** Set on planted events: the ground truth. */
  plant?: Plant;
}

export interface SampleEventsOptions {
  from: string;
  until: string;
  /** Events to generate, planted ones included. */
  count: number;
  seed?: number;
  plants?: readonly Plant[];
  /** Values random events must never contain (e.g. every IOC of the feeds being hunted). */
  avoid?: Iterable<string>;
}

/** mulberry32: tiny, fast, deterministic. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTS = Array.from({ length: 40 }, (_, i) => `ws-${String(i + 1).padStart(3, '0')}.corp.example`);
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];
const WORDS = ['news', 'cdn', 'mail', 'static', 'api', 'login', 'shop', 'img', 'video', 'docs', 'files', 'update'];
const TLDS = ['com', 'net', 'org', 'fr', 'de', 'io'];

/** Placement of a planted value in an event of its kind. */
function plantInto(source: Record<string, unknown>, field: string, value: string): void {
  const path = field.split('.');
  let node = source;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next && typeof next === 'object' && !Array.isArray(next)) node = next as Record<string, unknown>;
    else node = node[key] = {};
  }
  const leaf = path.at(-1)!;
  const current = node[leaf];
  node[leaf] = Array.isArray(current) ? [...current.slice(0, 1), value, ...current.slice(1)] : field.startsWith('related.') ? [value] : value;
}

/**
 * Yields `count` events in time order. Planted events are among them at their time, carrying
 * the plant's value in the plant's field; call {@link plantedEvents} for the ground truth.
 */
export function* generateSampleEvents(options: SampleEventsOptions): Generator<SampleEvent> {
  const rand = random(options.seed ?? 1);
  const avoid = new Set<string>(options.avoid ?? []);
  for (const plant of options.plants ?? []) avoid.add(plant.value.toLowerCase());
  const from = Date.parse(options.from);
  const span = Date.parse(options.until) - from;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const fresh = (make: () => string): string => {
    for (;;) {
      const value = make();
      if (!avoid.has(value.toLowerCase())) return value;
    }
  };
  const externalIp = (): string =>
    fresh(() => `${pick([31, 37, 46, 62, 77, 78, 80, 81, 82, 83, 84, 85, 86, 88, 90, 91, 92, 93, 94, 95])}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 254)}`);
  const internalIp = (): string => `10.${Math.floor(rand() * 4)}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 254)}`;
  const domain = (): string => fresh(() => `${pick(WORDS)}${Math.floor(rand() * 500)}.${pick(WORDS)}-site${Math.floor(rand() * 2000)}.${pick(TLDS)}`);
  const hex = (length: number): string => {
    let out = '';
    while (out.length < length) out += Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
    return out.slice(0, length);
  };

  const plants = (options.plants ?? []).map((plant, i, all) => ({
    plant,
    time: plant.at ? Date.parse(plant.at) : from + ((i + 0.5) / all.length) * span,
  }));
  plants.sort((a, b) => a.time - b.time);
  const randomCount = Math.max(0, options.count - plants.length);
  const step = span / Math.max(1, randomCount);
  let nextRandom = 0;
  let randomTime = randomCount > 0 ? from + rand() * step : Number.POSITIVE_INFINITY;
  let nextPlant = 0;
  for (let seq = 0; nextRandom < randomCount || nextPlant < plants.length; seq++) {
    const planted = plants[nextPlant] !== undefined && plants[nextPlant]!.time <= randomTime ? plants[nextPlant]! : undefined;
    let time: number;
    if (planted) {
      time = planted.time;
      nextPlant += 1;
    } else {
      time = randomTime;
      nextRandom += 1;
      randomTime = nextRandom < randomCount ? from + nextRandom * step + rand() * step : Number.POSITIVE_INFINITY;
    }
    const kind: SampleKind = planted ? planted.plant.kind : pick(['ip', 'ip', 'ip', 'domain', 'domain', 'url', 'hash', 'email'] as const);
    const source = buildEvent(kind, time);
    if (planted) plantInto(source, planted.plant.field, planted.plant.value);
    yield { id: `ev-${options.seed ?? 1}-${seq}`, timestamp: source['@timestamp'] as string, source, ...(planted ? { plant: planted.plant } : {}) };
  }

  function buildEvent(kind: SampleKind, time: number): Record<string, unknown> {
    const host = pick(HOSTS);
    const user = pick(USERS);
    const src = internalIp();
    const source: Record<string, unknown> = {
      '@timestamp': new Date(time).toISOString(),
      host: { name: host },
      user: { name: user },
      observer: { name: 'sensor-1', type: 'ids' },
    };
    switch (kind) {
      case 'ip': {
        const dst = externalIp();
        return Object.assign(source, {
          event: { kind: 'event', category: ['network'], action: 'connection' },
          source: { ip: src, port: 49152 + Math.floor(rand() * 16000) },
          destination: { ip: dst, port: pick([80, 443, 8080, 22, 3389]) },
          network: { transport: 'tcp', protocol: pick(['http', 'tls', 'ssh']) },
          related: { ip: [src, dst] },
        });
      }
      case 'domain': {
        const name = domain();
        return Object.assign(source, {
          event: { kind: 'event', category: ['network'], action: 'dns-query' },
          source: { ip: src },
          destination: { ip: '10.0.0.53' },
          dns: { question: { name, type: 'A' } },
          related: { hosts: [name] },
        });
      }
      case 'url': {
        const name = domain();
        return Object.assign(source, {
          event: { kind: 'event', category: ['web'], action: 'http-request' },
          source: { ip: src },
          url: { full: `https://${name}/${pick(WORDS)}/${Math.floor(rand() * 1e6)}`, domain: name },
        });
      }
      case 'hash':
        return Object.assign(source, {
          event: { kind: 'event', category: ['file'], action: 'file-created' },
          file: { name: `${pick(WORDS)}.exe`, hash: { sha256: hex(64), md5: hex(32) } },
        });
      case 'email':
        return Object.assign(source, {
          event: { kind: 'event', category: ['email'], action: 'message-received' },
          email: {
            from: { address: fresh(() => `${pick(USERS)}${Math.floor(rand() * 1000)}@${pick(WORDS)}-mail.${pick(TLDS)}`) },
            to: { address: `${user}@corp.example` },
          },
        });
    }
  }
}

/** The ground truth: which generated event carries which plant (same options, same answer). */
export function plantedEvents(options: SampleEventsOptions): PlantedEvent[] {
  const found: PlantedEvent[] = [];
  for (const event of generateSampleEvents(options)) {
    if (event.plant) found.push({ ...event.plant, eventId: event.id, timestamp: event.timestamp });
  }
  return found;
}
