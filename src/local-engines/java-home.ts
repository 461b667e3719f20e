import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError } from '../errors.js';

const run = promisify(execFile);

/** Where Debian and most Linux packages put JDKs; searched when no variable names one. */
const JVM_DIR = '/usr/lib/jvm';

/** The major version a JDK's `release` file gives (`JAVA_VERSION="25.0.3"` -> 25; `"1.8.0"` -> 8). */
export function majorOfRelease(release: string): number | undefined {
  const match = /^JAVA_VERSION="(\d+)(?:\.(\d+))?/m.exec(release);
  if (!match?.[1]) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
}

async function majorOf(home: string): Promise<number | undefined> {
  try {
    return majorOfRelease(await readFile(join(home, 'release'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** `java.home` of the `java` on PATH, read from its own settings. */
export async function pathJavaHome(): Promise<string | undefined> {
  try {
    // `java -XshowSettings:properties -version` prints its settings on stderr.
    const { stdout, stderr } = await run('java', ['-XshowSettings:properties', '-version']);
    return /java\.home = (.+)/.exec(`${stdout}${stderr}`)?.[1]?.trim();
  } catch {
    return undefined;
  }
}

/**
 * A JDK home of at least `major`, for the engines that need a newer Java than the machine's
 * default (OpenSearch 3 and Elasticsearch 9 need 21): `IOCHUNT_JAVA21_HOME` when set, then
 * `JAVA_HOME`, the `java` on PATH, and the newest JDK under /usr/lib/jvm. Source-file mode
 * (the OpenSearch launcher) needs a JDK, not a JRE: a home without `bin/javac` is passed over.
 */
export async function javaHomeAtLeast(major: number): Promise<string> {
  const named = major >= 21 ? process.env.IOCHUNT_JAVA21_HOME : undefined;
  if (named) {
    const found = await majorOf(named);
    if (found === undefined || found < major) throw new ConfigError(`IOCHUNT_JAVA21_HOME=${named} is not a JDK ${major}+ (its release file says ${found ?? 'nothing'})`);
    return named;
  }
  const candidates = [process.env.JAVA_HOME, await pathJavaHome()].filter((home): home is string => Boolean(home));
  for (const home of candidates) if (((await majorOf(home)) ?? 0) >= major && existsSync(join(home, 'bin', 'javac'))) return home;
  const installed = existsSync(JVM_DIR) ? await readdir(JVM_DIR) : [];
  let best: { home: string; major: number } | undefined;
  for (const name of installed) {
    const home = join(JVM_DIR, name);
    const found = await majorOf(home);
    if (found !== undefined && found >= major && existsSync(join(home, 'bin', 'javac')) && (!best || found > best.major)) best = { home, major: found };
  }
  if (best) return best.home;
  throw new ConfigError(`no JDK ${major}+ found (JAVA_HOME, PATH, ${JVM_DIR}): install one or set IOCHUNT_JAVA21_HOME to its home`);
}
