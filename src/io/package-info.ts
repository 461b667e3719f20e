import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  name: string;
  version: string;
  /** The package's root folder (where pipelines/ and mappings/ live). */
  root: string;
}

let cached: PackageInfo | undefined;

/** iochunt's own package.json, found by walking up from this module (works from src/ and dist/). */
export function packageInfo(): PackageInfo {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'iochunt') return (cached = { name: pkg.name, version: pkg.version ?? '0.0.0', root: dir });
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('iochunt package.json not found');
    dir = parent;
  }
}
