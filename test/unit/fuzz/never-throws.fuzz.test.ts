import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeIndicator } from '../../../src/core/ioc/normalize-indicator.js';
import { refang } from '../../../src/core/ioc/refang.js';
import { hostileString, markerSoup, mutatedIndicator } from './adversarial.js';
import { fuzzRuns } from './fuzz-runs.js';
import { allowingInputError } from './only-input-errors.js';
import { PARSER_TARGETS } from './parser-targets.js';
import { expectCleanValue, expectOneLine, expectSaneOutcome } from './result-oracle.js';

const HINTS = [undefined, '', 'ipv4-addr', 'ipv6-addr', 'ip-dst', 'domain-name', 'hostname', 'url', 'email-src', 'md5', 'sha1', 'sha256', 'sha512', 'file', 'domain|ip', 'text'];

describe('every parser, on arbitrary hostile text in each place it reads, throws nothing but a one-line InputError', () => {
  it.each(PARSER_TARGETS.map((target) => [target.name, target] as const))('%s', (_name, target) => {
    fc.assert(
      fc.property(hostileString(), fc.nat(), (hostile, pick) => {
        const document = target.documents[pick % target.documents.length]!(hostile);
        expectSaneOutcome(allowingInputError(() => target.run(document)));
      }),
      { numRuns: fuzzRuns(150) },
    );
  });
});

describe('normalizeIndicator on arbitrary hostile text', () => {
  it.each(HINTS.map((hint) => [hint ?? 'no hint', hint] as const))(
    'never throws, gives a one-line reason or a clean value it gives again on that value (%s)',
    (_label, hint) => {
      fc.assert(
        fc.property(fc.oneof(hostileString(), mutatedIndicator()), fc.boolean(), (raw, allowPrivate) => {
          const options = { allowPrivate, maxPrefixV4: 0, maxPrefixV6: 0 };
          const result = normalizeIndicator(raw, hint, options);
          if (!result.ok) return expectOneLine(result.reason, `reason for ${JSON.stringify(raw)}`);
          expectCleanValue(result.ioc.value);
          const again = normalizeIndicator(result.ioc.value, undefined, options);
          expect(again.ok && { type: again.ioc.type, value: again.ioc.value }, JSON.stringify(raw)).toEqual({
            type: result.ioc.type,
            value: result.ioc.value,
          });
        }),
        { numRuns: fuzzRuns(300) },
      );
    },
  );
});

/**
 * The refang of the code before issue 12, as a model: replace the markers until nothing
 * changes (one pass per nesting level, which is why it was quadratic). The CJK full stops are
 * new, so the model maps them first. The single pass must give the same text on any input.
 */
function modelRefang(value: string): string {
  const markers: [RegExp, string][] = [
    [/\[:\/\/\]/g, '://'],
    [/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}/gi, '.'],
    [/\[:\]/g, ':'],
    [/\[@\]|\[at\]|\(at\)|\{at\}/gi, '@'],
  ];
  let previous: string;
  let out = value.replace(/[\u3002\uff0e\uff61]/g, '.');
  do {
    previous = out;
    out = out.replace(/^h[x]{2}p(s?)(?=:|\[)/i, (_match, s: string) => `http${s.toLowerCase()}`);
    for (const [pattern, replacement] of markers) out = out.replace(pattern, replacement);
  } while (out !== previous);
  return out;
}

describe('refang on arbitrary hostile text', () => {
  it('gives what replacing markers until nothing changes gives', () => {
    fc.assert(
      fc.property(fc.oneof(markerSoup(), hostileString(60)), (value) => {
        expect(refang(value)).toBe(modelRefang(value));
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(markerSoup(), hostileString(60)), (value) => {
        const once = refang(value);
        expect(refang(once)).toBe(once);
      }),
      { numRuns: fuzzRuns(1000) },
    );
  });
});
