import { describe, expect, it } from 'vitest';
import { buildFeedSources } from '../../../src/core/report/build-feed-sources.js';
import { parseStoredIoc, type StoredIoc } from '../../../src/core/report/parse-stored-ioc.js';
import { MISP_BULLETIN, storedDocument } from './report-fixtures.js';

const EVENT_2 = { id: '6a4d0b3f-8e5c-4d2b-af90-3c7e2b1d4f58', title: 'Second wave', published: '2021-03-02T00:00:00.000Z' };

const read = (document: unknown): StoredIoc => parseStoredIoc(document as Record<string, unknown>);

describe('buildFeedSources', () => {
  it('lists each bulletin of a feed once, oldest first, with the copy changed last', () => {
    const older = { ...MISP_BULLETIN, modified: '2021-04-28T08:00:00.000Z' };
    const stored = new Map([
      ['a', read(storedDocument('a', { type: 'domain-name', value: 'a.example' }, [{ feed: 'misp', tlp: 'AMBER', bulletin: older, now: '2021-05-01T00:00:00.000Z' }]))],
      ['b', read(storedDocument('b', { type: 'domain-name', value: 'b.example' }, [{ feed: 'misp', tlp: 'GREEN', bulletin: MISP_BULLETIN, now: '2021-05-03T00:00:00.000Z' }]))],
      ['c', read(storedDocument('c', { type: 'domain-name', value: 'c.example' }, [{ feed: 'misp', bulletin: EVENT_2, now: '2021-03-03T00:00:00.000Z' }]))],
    ]);
    const iocs = ['a', 'b', 'c'].map((id) => ({ id, feeds: ['misp'] }));
    expect(buildFeedSources(iocs, stored)).toEqual([
      { feed: 'misp', iocs: 3, tlp: 'TLP:AMBER', bulletins: [EVENT_2, MISP_BULLETIN], loadedAt: '2021-03-03T00:00:00.000Z' },
    ]);
  });

  it('counts an IOC deleted since its findings, or loaded without a bulletin, with none', () => {
    const stored = new Map([['kept', read(storedDocument('kept', { type: 'ipv4-addr', value: '192.0.2.1' }, [{ feed: 'list', now: '2021-02-01T00:00:00.000Z' }]))]]);
    const iocs = [
      { id: 'kept', feeds: ['list'] },
      { id: 'gone', feeds: ['list', 'other'] },
    ];
    expect(buildFeedSources(iocs, stored)).toEqual([
      { feed: 'list', iocs: 2, tlp: null, bulletins: [], loadedAt: '2021-02-01T00:00:00.000Z' },
      { feed: 'other', iocs: 1, tlp: null, bulletins: [] },
    ]);
  });
});

describe('parseStoredIoc', () => {
  it('reads markings and per-feed provenance, leaving out what has the wrong shape', () => {
    const source = {
      threat: { indicator: { marking: { tlp: 'WHITE' } } },
      iochunt: {
        feeds: [
          { name: 'anssi', tlp: 'WHITE', bulletin: { id: 'CERTFR-2021-IOC-003', url: ['x'], extra: 'x' }, added_at: '2021-07-21T06:00:00.000Z' },
          { name: 'odd', tlp: 'purple', bulletin: 'not an object' },
          { tlp: 'RED' },
          'not an entry',
        ],
      },
    };
    expect(parseStoredIoc(source)).toEqual({
      tlp: 'TLP:CLEAR',
      feeds: [
        { name: 'anssi', tlp: 'TLP:CLEAR', bulletin: { id: 'CERTFR-2021-IOC-003' }, addedAt: '2021-07-21T06:00:00.000Z' },
        { name: 'odd' },
      ],
    });
    expect(parseStoredIoc({ iochunt: { feeds: 'x' } })).toEqual({ feeds: [] });
  });
});
