import { describe, expect, it } from 'vitest';
import { ClusterError, ExitCode, InputError, UsageError, quoteValue, redactSecrets, redactUrl } from '../../src/errors.js';

describe('errors', () => {
  it('redactUrl removes user and password from a URL', () => {
    expect(redactUrl('https://elastic:s3cret@es.example:9200/')).toBe('https://es.example:9200');
    expect(redactUrl('http://localhost:9200')).toBe('http://localhost:9200');
  });

  it('redactUrl strips credentials even from something that does not parse as a URL', () => {
    expect(redactUrl('//user:pw@host:bad port')).toBe('//host:bad port');
  });

  it('redactSecrets replaces every occurrence of each secret', () => {
    expect(redactSecrets('pw=hunter2 and again hunter2, key abcd', ['hunter2', 'abcd', undefined])).toBe(
      'pw=*** and again ***, key ***',
    );
  });

  it('InputError says where and what', () => {
    const error = new InputError('private address', { file: 'iocs.txt', line: 3, value: '10.0.0.1' });
    expect(error.message).toBe('iocs.txt:line 3: private address ("10.0.0.1")');
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.code).toBe('input');
  });

  it('InputError cuts a long value and says its length, so a 60 KB line does not fill the terminal (issue 12)', () => {
    const error = new InputError('value too long', { file: 'f.txt', line: 1, value: 'a'.repeat(60_000) });
    expect(error.message).toBe(`f.txt:line 1: value too long ("${'a'.repeat(100)}"… (60000 characters))`);
    expect(quoteValue('short')).toBe('"short"');
  });

  it('each error class carries its stable code and exit code', () => {
    expect(new UsageError('x').exitCode).toBe(2);
    const cluster = new ClusterError('auth', 'nope', { statusCode: 401 });
    expect([cluster.code, cluster.exitCode, cluster.details.statusCode]).toEqual(['cluster_auth', 1, 401]);
    expect(cluster.name).toBe('ClusterError');
  });
});
