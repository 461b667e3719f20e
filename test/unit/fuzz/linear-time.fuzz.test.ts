import { describe, it } from 'vitest';
import { MAX_VALUE_LENGTH } from '../../../src/core/ioc/limits.js';
import { normalizeIndicator } from '../../../src/core/ioc/normalize-indicator.js';
import { refang } from '../../../src/core/ioc/refang.js';
import { ADVERSARIAL_SHAPES, hostileDocument } from './adversarial.js';
import { LONG_FUZZ } from './fuzz-runs.js';
import { expectLinear, MICROSECONDS_PER_CHARACTER } from './linear-time.js';
import { allowingInputError } from './only-input-errors.js';
import { PARSER_TARGETS } from './parser-targets.js';

const MEGABYTE = 1024 * 1024;
const SHAPES = Object.entries(ADVERSARIAL_SHAPES);

/** One hint per normaliser (and one unsupported, one composite); `npm run fuzz` adds every alias. */
const HINTS = LONG_FUZZ
  ? [undefined, 'ipv4-addr', 'ipv6-addr', 'ip-dst', 'ip-src', 'domain-name', 'hostname', 'url', 'uri', 'email-src', 'md5', 'sha1', 'sha256', 'sha512', 'file', 'domain|ip', 'text']
  : [undefined, 'ipv4-addr', 'ipv6-addr', 'domain', 'url', 'email-src', 'sha256', 'domain|ip'];

/** Values at the cap per hint: 16 (128 KiB) in CI, 128 (1 MiB) under `npm run fuzz`. */
const VALUES_AT_CAP = LONG_FUZZ ? 128 : 16;

describe('every parser reads 1 MB of each adversarial shape in linear time, throwing nothing but InputError', () => {
  describe.each(PARSER_TARGETS.map((target) => [target.name, target] as const))('%s', (_name, target) => {
    // In CI each shape goes in one of the parser's documents, a different one per shape; npm run fuzz tries them all.
    it.each(SHAPES.map(([shapeName, shape], index) => [shapeName, shape, index] as const))('%s', (shapeName, shape, index) => {
      const builders = LONG_FUZZ ? target.documents : [target.documents[index % target.documents.length]!];
      for (const build of builders) {
        const document = hostileDocument(build, shape, MEGABYTE);
        expectLinear(`${target.name} on ${shapeName}`, document, () => allowingInputError(() => target.run(document)), MICROSECONDS_PER_CHARACTER.document);
      }
    });
  });
});

describe('refang reads 1 MB of each adversarial shape in linear time', () => {
  it.each(SHAPES)('%s', (shapeName, shape) => {
    const value = shape(MEGABYTE);
    expectLinear(`refang on ${shapeName}`, value, () => refang(value), MICROSECONDS_PER_CHARACTER.document);
  });
});

describe('normalizeIndicator handles values at the length cap of each adversarial shape in linear time', () => {
  describe.each(HINTS.map((hint) => [hint ?? 'no hint', hint] as const))('%s', (_label, hint) => {
    it.each(SHAPES)('%s', (shapeName, shape) => {
      const value = shape(MAX_VALUE_LENGTH);
      const total = { length: value.length * VALUES_AT_CAP };
      const run = () => Array.from({ length: VALUES_AT_CAP }, () => normalizeIndicator(value, hint));
      expectLinear(`normalizeIndicator(${shapeName}, ${hint})`, total, run, MICROSECONDS_PER_CHARACTER.valueAtCap);
    });
  });
});
