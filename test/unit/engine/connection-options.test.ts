import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { parseUrls, validateAuth } from '../../../src/io/engine/connection-options.js';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { commonProcessors } from '../../../src/core/live/common-processors.js';

/** The error `call` throws; fails the test when it throws nothing. */
function thrownBy(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`);
  }
  throw new Error('expected a throw, got none');
}

describe('connection options', () => {
  it('split comma-separated URLs and default to localhost:9200', () => {
    expect(parseUrls('http://a:9200, https://b:9200')).toEqual(['http://a:9200', 'https://b:9200']);
    expect(parseUrls(undefined)).toEqual(['http://localhost:9200']);
    expect(parseUrls('')).toEqual(['http://localhost:9200']);
  });

  it('refuse non-URLs and other schemes without echoing credentials', () => {
    expect(() => parseUrls('not a url')).toThrow(UsageError);
    expect(() => parseUrls('ftp://host')).toThrow('--url: ftp: is not supported: use http:// or https://');
    for (const bad of ['http//user:s3cret@host', 'http://user:s3cret@ho st:9200', 'ftp://user:s3cret@host']) {
      const error = thrownBy(() => parseUrls(bad));
      expect(error, bad).toBeInstanceOf(UsageError);
      expect(error.message, bad).toMatch(/^--url: /);
      expect(error.message, bad).not.toContain('s3cret');
    }
    expect(thrownBy(() => parseUrls('http//user:pw@host')).message).toBe('--url: "http//host" is not a URL (e.g. https://localhost:9200)');
  });

  it('refuse a password without a user and mixed auth methods', () => {
    expect(() => validateAuth({ password: 'x' })).toThrow('--password needs --user');
    expect(() => validateAuth({ apiKey: 'k', user: 'u' })).toThrow('use either --api-key or --user/--password');
    expect(() => validateAuth({ user: 'u', password: 'p' })).not.toThrow();
  });
});

describe('resource names', () => {
  it('derive every index and pipeline name from the prefix', () => {
    expect(buildResourceNames('soc')).toEqual({
      prefix: 'soc',
      iocs: 'soc-iocs',
      alerts: 'soc-alerts',
      state: 'soc-state',
      tagPipeline: 'soc-tag',
    });
    expect(buildResourceNames().iocs).toBe('iochunt-iocs');
  });

  it('refuse prefixes that are not valid index names', () => {
    for (const bad of ['SOC', '-x', 'a b', 'a*', '', 'x'.repeat(65)]) expect(() => buildResourceNames(bad)).toThrow(UsageError);
  });
});

describe('commonProcessors', () => {
  it('keeps the processors every ingest node has, sorted', () => {
    expect(commonProcessors([['set', 'script', 'enrich'], ['script', 'set']])).toEqual(['script', 'set']);
    expect(commonProcessors([])).toEqual([]);
  });

  it('does not mutate its input', () => {
    const input = [['b', 'a'], ['a', 'b']];
    commonProcessors(input);
    expect(input).toEqual([['b', 'a'], ['a', 'b']]);
  });
});
