import { quotedExcerpt } from './excerpt.js';
import type { FieldResult } from './normalize-timestamp.js';

/**
 * Reads an optional confidence (an integer 0-100, as a number or a string). Blank means
 * absent; anything else out of range is an error rather than a clamp, because a source that
 * writes `high` or `0.8` uses a scale we would misread.
 */
export function normalizeConfidence(raw: unknown, field = 'confidence'): FieldResult<number> {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return { ok: true };
  const text = String(raw).trim();
  const value = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 0 && value <= 100)) return { ok: false, reason: `invalid ${field} ${quotedExcerpt(text)} (expected 0-100)` };
  return { ok: true, value };
}
