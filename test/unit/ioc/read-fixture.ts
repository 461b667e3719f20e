import { readFileSync } from 'node:fs';

/** Reads `test/fixtures/iocs/<name>` as UTF-8. */
export function readFixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/iocs/${name}`, import.meta.url), 'utf8');
}
