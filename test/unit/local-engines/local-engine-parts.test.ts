import { describe, expect, it } from 'vitest';
import { majorOfRelease } from '../../../src/local-engines/java-home.js';
import { artifactOfJar } from '../../../src/local-engines/opensearch-security.js';

describe('the parts of the local engines that decide without a JVM', () => {
  it("reads a JDK's major version from its release file, old and new schemes", () => {
    expect(majorOfRelease('IMPLEMENTOR="Eclipse Adoptium"\nJAVA_VERSION="25.0.3"\n')).toBe(25);
    expect(majorOfRelease('JAVA_VERSION="17.0.15"\n')).toBe(17);
    expect(majorOfRelease('JAVA_VERSION="21"\n')).toBe(21);
    expect(majorOfRelease('JAVA_VERSION="1.8.0_392"\n')).toBe(8);
    expect(majorOfRelease('IMPLEMENTOR="x"\n')).toBeUndefined();
  });

  it('names a jar by its artifact whatever its version, so the plugin copy of a classpath jar is found', () => {
    expect(artifactOfJar('/x/asm-9.7.1.jar')).toBe('asm');
    expect(artifactOfJar('netty-codec-http-4.1.118.Final.jar')).toBe('netty-codec-http');
    expect(artifactOfJar('opensearch-rest-client-2.19.1.jar')).toBe('opensearch-rest-client');
    expect(artifactOfJar('jjwt-api-0.12.6.jar')).toBe('jjwt-api');
    // Version-like parts inside a name are not a version.
    expect(artifactOfJar('bcprov-jdk18on-1.78.jar')).toBe('bcprov-jdk18on');
    expect(artifactOfJar('scala-java8-compat_3-1.0.2.jar')).toBe('scala-java8-compat_3');
  });
});
