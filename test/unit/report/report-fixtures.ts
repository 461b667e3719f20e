import { buildIocDocument, type IocDocument } from '../../../src/core/ioc/build-ioc-document.js';
import type { Bulletin, ParsedIoc } from '../../../src/core/ioc/types.js';
import { parseStoredIoc, type StoredIoc } from '../../../src/core/report/parse-stored-ioc.js';

/** Two feeds as a CERT has them: ANSSI's APT31 bulletin (TLP:WHITE) and a MISP event (TLP:GREEN, one attribute unmarked). */
export const ANSSI = 'CERTFR-2021-IOC-003';
export const MISP = 'CIRCL OSINT 2021-04 phishing kit';

export const ANSSI_BULLETIN: Bulletin = {
  id: 'CERTFR-2021-IOC-003',
  title: 'Publication maqueurs APT31',
  url: 'https://www.cert.ssi.gouv.fr/ioc/CERTFR-2021-IOC-003/',
  published: '2021-07-20T00:00:00.000Z',
};
export const MISP_BULLETIN: Bulletin = {
  id: '5f3c9a2e-7d4b-4c1a-9e8f-2b6d1a0c3e47',
  title: MISP,
  published: '2021-04-28T00:00:00.000Z',
  modified: '2021-04-29T10:00:00.000Z',
};
export const ANSSI_LOADED = '2021-07-21T06:00:00.000Z';
export const MISP_LOADED = '2021-05-03T07:00:00.000Z';

export const IOC_A = { iocId: '3b0f5c0e8a2d4f61b7e9c1d2a3f4e5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c', iocValue: '105.154.12.165', iocType: 'ipv4-addr' };
export const IOC_B = { iocId: '9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa998877665544', iocValue: '110.36.231.150', iocType: 'ipv4-addr' };
/** An attacker-chosen URL: the report must show it, never run it. */
export const EVIL_URL = 'http://evil.example/dl?a=1&b=<script>alert(1)</script>';
export const IOC_C = { iocId: '0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9', iocValue: EVIL_URL, iocType: 'url' };

/** One feed's load of an IOC: what its source said, the feed's `sync --tlp`, when it was loaded. */
export interface FeedLoadFixture {
  feed: string;
  tlp?: string;
  defaultTlp?: string;
  bulletin?: Bulletin;
  now: string;
}

/** The IOC document sync writes after these loads, in order (through the real document builder). */
export function storedDocument(id: string, ioc: Pick<ParsedIoc, 'type' | 'value'>, loads: readonly FeedLoadFixture[]): IocDocument {
  let document: IocDocument | undefined;
  for (const load of loads) {
    const parsed: ParsedIoc = {
      ...ioc,
      original: ioc.value,
      location: { file: 'source', line: 2 },
      ...(load.tlp ? { tlp: load.tlp } : {}),
      ...(load.bulletin ? { bulletin: load.bulletin } : {}),
    };
    const feedLoad = { name: load.feed, huntFrom: '2021-01-01T00:00:00.000Z', now: load.now, setVersion: 1, ...(load.defaultTlp ? { tlp: load.defaultTlp } : {}) };
    document = buildIocDocument(parsed, feedLoad, document, id).document;
  }
  if (!document) throw new Error('storedDocument needs at least one load');
  return document;
}

const FROM_ANSSI: FeedLoadFixture = { feed: ANSSI, tlp: 'WHITE', bulletin: ANSSI_BULLETIN, now: ANSSI_LOADED };
const FROM_MISP: FeedLoadFixture = { feed: MISP, tlp: 'GREEN', bulletin: MISP_BULLETIN, now: MISP_LOADED };
const FROM_MISP_UNMARKED: FeedLoadFixture = { feed: MISP, bulletin: MISP_BULLETIN, now: MISP_LOADED };

/**
 * The stored IOCs of the report fixture, read as `fetchReportData` reads them: A from ANSSI
 * (WHITE), B from ANSSI and the MISP event (GREEN), C from the MISP event without a marking.
 */
export function storedIocs(): Map<string, StoredIoc> {
  const documents: [string, IocDocument][] = [
    [IOC_A.iocId, storedDocument(IOC_A.iocId, { type: 'ipv4-addr', value: IOC_A.iocValue }, [FROM_ANSSI])],
    [IOC_B.iocId, storedDocument(IOC_B.iocId, { type: 'ipv4-addr', value: IOC_B.iocValue }, [FROM_ANSSI, FROM_MISP])],
    [IOC_C.iocId, storedDocument(IOC_C.iocId, { type: 'url', value: EVIL_URL }, [FROM_MISP_UNMARKED])],
  ];
  return new Map(documents.map(([id, document]) => [id, parseStoredIoc(document as unknown as Record<string, unknown>)]));
}
