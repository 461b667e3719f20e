/**
 * Narrowing helpers for untyped JSON (MISP and STIX documents are read without a schema:
 * real exports vary by producer and version, so each field is checked where it is used).
 */
export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field, or a number printed as a string; `undefined` for anything else or blank. */
export function jsonString(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** An array field, or `[]` when absent or not an array. */
export function jsonArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** MISP writes booleans as `true`, `1`, `"1"` or `"true"` depending on version and endpoint. */
export function jsonFlag(value: unknown): boolean | undefined {
  if (value === true || value === 1 || value === '1' || value === 'true') return true;
  if (value === false || value === 0 || value === '0' || value === 'false') return false;
  return undefined;
}
