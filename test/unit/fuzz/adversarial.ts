import fc from 'fast-check';

/**
 * Hostile inputs, each shape named after what it attacks. The builders are deterministic, so
 * a time budget measured on one is measured on the same bytes every run; the arbitraries mix
 * the same fragments at random for the properties.
 */

/** `unit` repeated to `size` characters (the last copy cut). */
export function repeatTo(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** Distinct code points from `first` on, `size` of them: punycode's worst case (one delta per character). */
export function distinctCharacters(first: number, size: number): string {
  let out = '';
  for (let i = 0; i < size; i++) out += String.fromCodePoint(first + i);
  return out;
}

/** `open` `size/2` times, then the closers: nesting as deep as the size allows. */
export function nested(open: string, close: string, size: number, middle = ''): string {
  const depth = Math.floor((size - middle.length) / (open.length + close.length));
  return `${open.repeat(depth)}${middle}${close.repeat(depth)}`;
}

const C0_DEL_C1 = Array.from({ length: 0x20 }, (_, code) => String.fromCharCode(code)).join('') + '\u007f\u0085\u009b';

/**
 * The named shapes, each a function of the size. Together they hit every backtracking pattern
 * and every recursion the parsers had: the comment of each says what it attacks.
 */
export const ADVERSARIAL_SHAPES: Readonly<Record<string, (size: number) => string>> = {
  /** Dotted labels: the schemeless-URL and IPv4 inference patterns retried after every dot. */
  repeatedDotLabels: (size) => repeatTo('a.', size),
  /** `[[[.]]]`: refanging by repeated replacement made one pass per level. */
  nestedBrackets: (size) => nested('[', ']', size, '.'),
  /** `([{(.)}])`: every bracket kind nested, markers inside markers. */
  nestedMixedBrackets: (size) => nested('([{', '}])', size, '(.)'),
  /** `[[[[...]]]]` as JSON: a recursive walk of arrays overflows the stack. */
  deepJsonArrays: (size) => nested('[', ']', size),
  /** `{"response": {"response": ...}}`: the MISP search recursed into each wrapper. */
  deepJsonResponses: (size) => nested('{"response":', '}', size, '{}'),
  /** `((((...` : the STIX pattern grammar recursed per parenthesis. */
  deepPatternParentheses: (size) => nested('(', ')', size, "[ipv4-addr:value = '45.153.160.2']"),
  /** Hex as long as the line: `[0-9a-f]{16,}` overflowed the regex stack at 8 MB. */
  longHex: (size) => repeatTo('0123456789abcdef', size),
  /** Digits before a colon: the embedded-IPv4 search of IPv6 was quadratic in the run. */
  digitRuns: (size) => `${repeatTo('1', size - 1)}:`,
  /** Every C0 control, DEL and C1 controls, between letters. */
  controlCharacters: (size) => repeatTo(`a${C0_DEL_C1}.`, size),
  /** Latin, Cyrillic, Arabic, Hebrew, RTL override, zero-width, combining marks, emoji, CJK full stops, lone surrogates. */
  mixedScripts: (size) => repeatTo('pаypal\u202eelpmaxe\u200b\u200d.שלום.مرحبا\u0301\u0301😀。ｅｘａｍｐｌｅ\ud800．', size),
  /** Distinct CJK characters in one label: the IDN conversion's punycode step is quadratic per label. */
  distinctCjkLabel: (size) => distinctCharacters(0x4e00, Math.min(size, 20_000)).repeat(Math.ceil(size / 20_000)).slice(0, size),
  /** Quotes and doubled quotes, balanced then not: CSV quoting, `"..."` patterns. */
  hugeCsvQuotes: (size) => `${repeatTo('"a"",""b', size - 1)}"`,
  /** `'\'\'\...` never closed: a global quoted-string pattern retried from every quote. */
  escapedQuotes: (size) => repeatTo("'\\", size),
  /** `a-0a-0...`: words and numbers that never make a STIX path, each re-scanned for one. */
  stixTokenSoup: (size) => repeatTo('a-0', size),
  /** `url:value = 'x' OR url:value = ...`: a valid pattern whose every token is read (cut where the size ends). */
  longDisjunction: (size) => repeatTo("url:value = 'x' OR ", size),
  /** Slashes and question marks: the feed-name patterns retried at every one of a run. */
  slashAndQueryRuns: (size) => `${repeatTo('/', size / 2)}a${repeatTo('?', size / 2 - 2)}\n`,
  /** Whitespace then a character: every `\s*` and `\s#` pattern. */
  whitespaceRuns: (size) => `${repeatTo(' \t\u00a0\u3000', size - 1)}#`,
  /** Colons and hex groups: the IPv6 inference and ipaddr.js's own patterns. */
  colonGroups: (size) => repeatTo('a:', size),
  /** `domain|ip|` composite types: splitting and resolving every part. */
  pipes: (size) => repeatTo('ip-dst|', size),
};

/** Fragments the arbitrary strings are made of: defang markers, brackets, quotes, separators, scripts, controls. */
const FRAGMENTS = [
  '[', ']', '(', ')', '{', '}', '[.]', '(.)', '{.}', '[dot]', '[:]', '[://]', '[@]', '[at]', 'hxxp', 'hXXps', '://', '.', ':',
  '/', '@', '%', '#', '?', '|', ',', ';', '"', "'", '\\', ' ', '\t', '\n', '\r', '\u0000', '\u001b', '\u007f', '\u009b',
  '\u202e', '\u200b', '\u3002', '\uff0e', '\uff61', 'а', 'ש', 'ب', '\u0301', '😀', '\ud800', 'xn--', 'a', 'Z', '0', '1', '9',
  'ff', '255', '10', '::', '0x7f', 'example', 'com', '-', '_', '=', "'", 'OR', 'AND', 'IN', 'ipv4-addr:value', 'Event',
  'response', '{"', '":', '[{', 'bundle',
];

/** A string of random fragments and random Unicode, up to `maxLength` pieces. */
export function hostileString(maxLength = 40): fc.Arbitrary<string> {
  const piece = fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: 'grapheme', maxLength: 2 }), fc.string({ unit: 'binary', maxLength: 2 }));
  return fc.array(piece, { maxLength }).map((pieces) => pieces.join(''));
}

/**
 * `build(hostile)` with `hostile` of the shape sized so the document is about `size`
 * characters: the length a document gains per character of `hostile` (more than one when it is
 * held in several fields, or JSON-escaped) is measured on two small builds first.
 */
export function hostileDocument(build: (hostile: string) => string, shape: (size: number) => string, size: number): string {
  const small = build(shape(1000)).length;
  const perCharacter = Math.max(1, (build(shape(2000)).length - small) / 1000);
  const fixed = Math.max(0, small - 1000 * perCharacter);
  return build(shape(Math.max(1, Math.floor((size - fixed) / perCharacter))));
}

/** Brackets and marker text only, so markers nest, overlap and half-close often: what refang must get right. */
export function markerSoup(maxLength = 40): fc.Arbitrary<string> {
  const piece = fc.constantFrom('[', ']', '(', ')', '{', '}', '.', ':', '//', '@', 'dot', 'DoT', 'at', 'AT', 'hxxp', 'hXXps', 's', 'x', 'a', '\u3002', '\uff0e');
  return fc.array(piece, { maxLength }).map((pieces) => pieces.join(''));
}

/** A real indicator (IP, network, domain, URL, email, hash), defanged or not, with hostile fragments spliced in. */
export function mutatedIndicator(): fc.Arbitrary<string> {
  const hex = fc.constantFrom(32, 40, 64, 128).chain((length) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: length, maxLength: length }));
  const indicator = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, prefix]) => `${ip}/${prefix}`),
    fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([ip, prefix]) => `${ip}/${prefix}`),
    fc.domain(),
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc.emailAddress(),
    hex,
  );
  const splice = fc.tuple(fc.nat(), hostileString(3));
  return fc.tuple(indicator, fc.array(splice, { maxLength: 2 }), fc.boolean()).map(([value, splices, defang]) => {
    const defanged = defang ? value.replace(/^http/, 'hxxp').replaceAll('.', '[.]').replace('@', '[at]') : value;
    return splices.reduce((text, [at, fragment]) => `${text.slice(0, at % (text.length + 1))}${fragment}${text.slice(at % (text.length + 1))}`, defanged);
  });
}
