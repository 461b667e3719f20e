import { describe, expect, it } from 'vitest';
import { collectFieldValues, compileFieldPath, fieldValues } from '../../../src/core/hunt/field-values.js';
import { SURICATA_HTTP, ZEEK_CONN, ZEEK_DNS } from './hunt-fixtures.js';

describe('fieldValues', () => {
  it('reads nested objects', () => {
    expect(fieldValues(ZEEK_CONN, 'destination.ip')).toEqual(['45.83.1.2']);
    expect(fieldValues(ZEEK_CONN, 'zeek.connection.state')).toEqual(['SF']);
  });

  it('reads flattened dotted keys', () => {
    expect(fieldValues(SURICATA_HTTP, 'source.ip')).toEqual(['::ffff:45.83.1.2']);
    expect(fieldValues(SURICATA_HTTP, 'url.full')).toEqual(['HTTP://Malware.EXAMPLE/payload.bin']);
  });

  it('reads mixtures of nested objects and dotted keys', () => {
    expect(fieldValues(SURICATA_HTTP, 'destination.nat.ip')).toEqual(['185.220.101.255']);
    expect(fieldValues(SURICATA_HTTP, 'destination.port')).toEqual([51514]);
    expect(fieldValues({ a: { 'b.c': { d: 1 } }, 'a.b': { 'c.d': 2 }, 'a.b.c.d': 3 }, 'a.b.c.d')).toEqual([1, 2, 3]);
  });

  it('returns every value when one field is written both ways', () => {
    expect(fieldValues({ source: { ip: '45.83.1.2' }, 'source.ip': '185.220.101.7' }, 'source.ip')).toEqual(['45.83.1.2', '185.220.101.7']);
  });

  it('flattens arrays at any level, arrays of objects included', () => {
    expect(fieldValues(ZEEK_CONN, 'related.ip')).toEqual(['10.20.30.40', '45.83.1.2']);
    expect(fieldValues(ZEEK_DNS, 'dns.answers.data')).toEqual(['45.83.1.2', '185.220.101.47']);
    expect(fieldValues({ a: [{ b: [[1, 2], [3]] }, { b: 4 }, [{ b: [5] }]] }, 'a.b')).toEqual([1, 2, 3, 4, 5]);
  });

  it('ignores null, undefined, booleans and objects at the end of the path', () => {
    expect(fieldValues(SURICATA_HTTP, 'tls.client.server_name')).toEqual([]);
    expect(fieldValues({ a: [null, undefined, true, 'x', { b: 1 }, 0] }, 'a')).toEqual(['x', 0]);
    expect(fieldValues(ZEEK_CONN, 'destination')).toEqual([]);
  });

  it('returns nothing for an absent field or a path through a scalar', () => {
    expect(fieldValues(ZEEK_CONN, 'dll.hash.md5')).toEqual([]);
    expect(fieldValues(ZEEK_CONN, 'destination.ip.keyword')).toEqual([]);
  });

  it('never reads inherited properties', () => {
    expect(fieldValues({ a: 'x' }, 'constructor.name')).toEqual([]);
    expect(fieldValues({ a: 'x' }, 'a.length')).toEqual([]);
    expect(fieldValues(JSON.parse('{"__proto__": {"ip": "45.83.1.2"}}') as Record<string, unknown>, '__proto__.ip')).toEqual(['45.83.1.2']);
  });

  it('collectFieldValues appends to a reused array with a compiled path', () => {
    const out: unknown[] = ['kept'];
    collectFieldValues(ZEEK_CONN, compileFieldPath('source.ip'), out);
    collectFieldValues(SURICATA_HTTP, compileFieldPath('source.ip'), out);
    expect(out).toEqual(['kept', '10.20.30.40', '::ffff:45.83.1.2']);
    expect(compileFieldPath('source.nat.ip').keys).toEqual([['source', 'source.nat', 'source.nat.ip'], ['nat', 'nat.ip'], ['ip']]);
  });
});
