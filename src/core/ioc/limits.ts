/**
 * The size and depth limits of IOC input, in one place (README "Limits" cites them). Each one
 * bounds work an attacker-written source could otherwise make unbounded: a bulletin, a MISP
 * export or a STIX bundle is input from outside, and one hostile line must cost no more than
 * its length.
 */

/**
 * The longest value accepted, in UTF-16 code units, counted after trimming and before any
 * refanging or pattern: longer values are rejected as `value longer than 8192 characters`.
 * URLs are the longest IOCs and real ones stay under a few KiB (browsers and proxies cap
 * request lines at 8 KiB); every other kind is far shorter.
 */
export const MAX_VALUE_LENGTH = 8192;

/**
 * The longest domain (or URL host) handed to the IDN conversion. A valid name has at most 253
 * ASCII characters; its written form is longer only by surrogate pairs and decomposed accents
 * (at most 4 units per ASCII character between them). The bound matters because punycode
 * encoding is quadratic in the length of a label.
 */
export const MAX_DOMAIN_INPUT_LENGTH = 1024;

/**
 * The deepest nesting of brackets and parentheses read in a STIX pattern. Real patterns nest
 * two or three levels; a deeper one is rejected (`pattern nested deeper than 64 levels`), as
 * that indicator only, so a crafted pattern cannot exhaust the stack of the whole bundle.
 */
export const MAX_PATTERN_DEPTH = 64;

/**
 * The deepest nesting of arrays and `response` wrappers searched for MISP events. Real
 * documents use two (`{"response": [{"Event": ...}]}`); a document nested deeper is refused
 * as a whole with an InputError.
 */
export const MAX_MISP_NESTING = 16;

/**
 * How much of an over-long value a rejection keeps (`RejectedEntry.value`): enough to find it
 * in the source, and a rejection list of huge lines stays small and printable on one line.
 */
export const REJECTED_VALUE_PREVIEW = 256;
