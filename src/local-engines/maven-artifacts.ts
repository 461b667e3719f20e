import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError } from '../errors.js';

const run = promisify(execFile);

/** `group:artifact:version` (jar) or `group:artifact:version:packaging`. */
export type MavenCoordinates = string;

/**
 * Runs Maven in `dir`. Tries offline first, so a second start on a machine whose Maven
 * repository already holds the artifacts never touches the network.
 */
async function mvn(dir: string, coordinates: MavenCoordinates, args: string[]): Promise<void> {
  try {
    await run('mvn', ['-B', '-q', '-o', ...args], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
    return;
  } catch (offline) {
    if ((offline as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfigError('mvn not found on PATH: install Apache Maven (e.g. apt-get install maven) to run local engines');
    }
  }
  try {
    await run('mvn', ['-B', '-q', ...args], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  } catch (online) {
    const output = `${(online as { stdout?: string }).stdout ?? ''}${(online as { stderr?: string }).stderr ?? ''}`;
    const lastError = output.split('\n').filter((l) => l.includes('ERROR')).slice(0, 2).join(' ');
    throw new ConfigError(`mvn could not resolve ${coordinates}: ${lastError || 'see mvn output'}`, { cause: online });
  }
}

/**
 * The runtime classpath (jar paths) of one Maven artifact and its dependencies, resolved
 * into the local Maven repository and remembered in `cacheDir/classpath.txt`.
 */
export async function resolveClasspath(coordinates: MavenCoordinates, cacheDir: string): Promise<string[]> {
  const cpFile = join(cacheDir, 'classpath.txt');
  if (existsSync(cpFile)) {
    const jars = (await readFile(cpFile, 'utf8')).trim().split(':');
    if (jars.length > 0 && jars.every((jar) => existsSync(jar))) return jars;
  }
  const [groupId, artifactId, version] = coordinates.split(':');
  await mkdir(cacheDir, { recursive: true });
  await writeFile(
    join(cacheDir, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>iochunt.local</groupId><artifactId>engine-classpath</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>
  </dependencies>
</project>
`,
  );
  await mvn(cacheDir, coordinates, ['dependency:build-classpath', `-Dmdep.outputFile=${cpFile}`]);
  return (await readFile(cpFile, 'utf8')).trim().split(':');
}

/** Copies one artifact (e.g. a distribution zip) from Maven into `cacheDir`; returns its path. */
export async function fetchArtifact(coordinates: MavenCoordinates, cacheDir: string): Promise<string> {
  const [, artifactId, version, packaging = 'jar'] = coordinates.split(':');
  const target = join(cacheDir, `${artifactId}-${version}.${packaging}`);
  if (existsSync(target)) return target;
  await mkdir(cacheDir, { recursive: true });
  await mvn(cacheDir, coordinates, [
    'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy',
    `-Dartifact=${coordinates}`,
    `-DoutputDirectory=${cacheDir}`,
  ]);
  return target;
}

/** Unpacks a zip into `into` with `unzip`, or with the JDK's `jar` tool where there is no unzip. */
export async function unzipArchive(zip: string, into: string): Promise<void> {
  await mkdir(into, { recursive: true });
  await run('unzip', ['-q', '-o', zip, '-d', into]).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
    await run('jar', ['xf', zip], { cwd: into });
  });
}
