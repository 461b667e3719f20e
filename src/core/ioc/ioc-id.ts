import { hash } from 'node:crypto';
import type { IocType } from './types.js';

/**
 * The `_id` of an IOC document: hex SHA-256 of `<type>|<value>`. Deterministic, so reloading
 * a feed overwrites instead of duplicating and one IOC published by two feeds is one
 * document. `value` must be the canonical value from `normalizeIndicator`: `1.2.3.4` and
 * `1.2.3[.]4` only get the same id after normalisation.
 */
export function buildIocId(type: IocType, value: string): string {
  return hash('sha256', `${type}|${value}`, 'hex');
}
