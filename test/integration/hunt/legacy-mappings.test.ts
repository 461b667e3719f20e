import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAlertId } from '../../../src/core/hunt/build-alert.js';
import { buildIocId } from '../../../src/core/ioc/ioc-id.js';
import { runHunt } from '../../../src/io/hunt/run-hunt.js';
import { syncIocs } from '../../../src/io/sync/sync-iocs.js';
import { fetchAlertIds, prefixIndices } from '../../helpers/alert-ids.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { uniqueName } from '../../helpers/engines.js';
import { ANSSI, ANSSI_IPS } from '../../helpers/hunt-corpus.js';
import { useTempFiles } from '../../helpers/temp-files.js';

const { file } = useTempFiles('legacy');

/**
 * Legacy and odd mappings (issue 13, item 5): an index created by dynamic mapping holds every
 * string as `text` with a `keyword` subfield; it was skipped ("maps none of the fields"), so its
 * events were never hunted. A field that is only `text` cannot be searched for a value: said.
 */
describe.each(['opensearch', 'elasticsearch'] as const)('a hunt over legacy mappings on %s', (flavor) => {
  const fx = useEngine(flavor);
  const prefix = uniqueName('legacy');
  const dynamic = `${prefix}-logs-dynamic`;
  const textOnly = `${prefix}-logs-textonly`;
  const events: [string, string, Record<string, unknown>][] = [
    [dynamic, 'ip-hit', { '@timestamp': '2022-03-01T10:00:00Z', source: { ip: ANSSI_IPS[0] } }],
    [dynamic, 'domain-hit', { '@timestamp': '2022-03-02T10:00:00Z', dns: { question: { name: 'evil-update.com' } } }],
    [dynamic, 'miss', { '@timestamp': '2022-03-03T10:00:00Z', source: { ip: '8.8.8.8' }, dns: { question: { name: 'example.org' } } }],
    [textOnly, 'unsearchable', { '@timestamp': '2022-03-04T10:00:00Z', source: { ip: ANSSI_IPS[1] } }],
  ];

  beforeAll(async () => {
    await fx.engine.createIndex(textOnly, { mappings: { properties: { '@timestamp': { type: 'date' }, source: { properties: { ip: { type: 'text' } } } } } });
    const body = events.map(([index, id, doc]) => `${JSON.stringify({ create: { _index: index, _id: id } })}\n${JSON.stringify(doc)}\n`).join('');
    const items = await fx.engine.bulk(body, { refresh: true });
    expect(items.map((item) => item.status)).toEqual([201, 201, 201, 201]);
    await syncIocs(fx.engine, { sources: [ANSSI], prefix });
    await syncIocs(fx.engine, { sources: [file(`extra-${flavor}.txt`, 'evil-update.com\n')], prefix, feed: 'extra' });
  });
  afterAll(async () => {
    await fx.engine.deleteIndices([dynamic, textOnly, ...prefixIndices(prefix)]);
  });

  it('hunts text fields through their keyword subfield, and says which fields are only text', async () => {
    const types = await fx.engine.fetchFieldTypes([dynamic], ['source.ip', 'source.ip.keyword']);
    expect(Object.fromEntries(types.get(dynamic)!)).toEqual({ 'source.ip': 'text', 'source.ip.keyword': 'keyword' });
    const summary = await runHunt(fx.engine, { prefix, index: [`${prefix}-logs-*`], since: '2021-01-01' });
    expect(await fetchAlertIds(fx.engine, prefix)).toEqual(
      [buildAlertId(dynamic, 'ip-hit', buildIocId('ipv4-addr', ANSSI_IPS[0]!)), buildAlertId(dynamic, 'domain-hit', buildIocId('domain-name', 'evil-update.com'))].sort(),
    );
    expect(summary.warnings).toContain(`${textOnly}: source.ip is mapped as text without a keyword subfield: not hunted there`);
    expect(summary.indices.skipped).toEqual([{ index: textOnly, reason: 'maps none of the fields the IOCs match on' }]);
  });
});
