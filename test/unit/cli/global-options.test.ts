import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDefaulted, loadConfigFile, resolveGlobalOptions } from '../../../src/cli/global-options.js';
import { ConfigError } from '../../../src/errors.js';

describe('global options', () => {
  it('fill from the environment only what the command line left out', () => {
    const argv: Record<string, unknown> = { url: 'http://cli:9200' };
    resolveGlobalOptions(argv, { IOCHUNT_URL: 'http://env:9200', IOCHUNT_USER: 'hunter', IOCHUNT_PREFIX: 'soc' }, () => ({}));
    expect(argv).toMatchObject({ url: 'http://cli:9200', user: 'hunter', prefix: 'soc', engine: 'auto', insecure: false });
  });

  it('prefer environment over config file over built-in defaults', () => {
    const argv: Record<string, unknown> = { config: 'c.yml' };
    resolveGlobalOptions(argv, { IOCHUNT_PREFIX: 'from-env' }, () => ({ prefix: 'from-file', 'log-level': 'debug', url: 'http://file:9200' }));
    expect(argv).toMatchObject({ prefix: 'from-env', logLevel: 'debug', 'log-level': 'debug', url: 'http://file:9200' });
  });

  it('ignore IOCHUNT_* variables that are not options', () => {
    const argv: Record<string, unknown> = {};
    resolveGlobalOptions(argv, { IOCHUNT_TEST_OPENSEARCH_URL: 'http://x' }, () => ({}));
    expect(Object.keys(argv).some((key) => key.toLowerCase().includes('test'))).toBe(false);
    expect(argv.url).toBe('http://localhost:9200');
  });

  it('say which options took their built-in default, so demo sees a --url from the config file or the environment', () => {
    const fromFile: Record<string, unknown> = { config: 'c.yml' };
    resolveGlobalOptions(fromFile, {}, () => ({ url: 'http://file:9200' }));
    expect([isDefaulted(fromFile, 'url'), isDefaulted(fromFile, 'prefix')]).toEqual([false, true]);
    const fromEnv: Record<string, unknown> = {};
    resolveGlobalOptions(fromEnv, { IOCHUNT_URL: 'http://env:9200' }, () => ({}));
    expect(isDefaulted(fromEnv, 'url')).toBe(false);
    const fromCli: Record<string, unknown> = { prefix: 'iochunt' };
    resolveGlobalOptions(fromCli, {}, () => ({}));
    expect([isDefaulted(fromCli, 'url'), isDefaulted(fromCli, 'prefix')]).toEqual([true, false]);
    // The record is invisible to yargs' strict mode (no enumerable key).
    expect(Object.keys(fromCli).sort()).toEqual(['engine', 'insecure', 'log-level', 'logLevel', 'prefix', 'url']);
  });

  it('read IOCHUNT_INSECURE as a boolean', () => {
    const argv: Record<string, unknown> = {};
    resolveGlobalOptions(argv, { IOCHUNT_INSECURE: 'true' }, () => ({}));
    expect(argv.insecure).toBe(true);
  });

  it('load JSON and YAML config files, and refuse malformed ones with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iochunt-config-'));
    writeFileSync(join(dir, 'a.json'), '{"prefix": "soc"}');
    writeFileSync(join(dir, 'b.yaml'), 'prefix: soc2\nurl: https://es:9200\n');
    writeFileSync(join(dir, 'bad.json'), '{"prefix": ');
    writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');
    expect(loadConfigFile(join(dir, 'a.json'))).toEqual({ prefix: 'soc' });
    expect(loadConfigFile(join(dir, 'b.yaml'))).toEqual({ prefix: 'soc2', url: 'https://es:9200' });
    expect(() => loadConfigFile(join(dir, 'bad.json'))).toThrow(ConfigError);
    expect(() => loadConfigFile(join(dir, 'bad.json'))).toThrow(/bad\.json is not valid JSON/);
    expect(() => loadConfigFile(join(dir, 'list.yaml'))).toThrow(/must hold an object/);
    expect(() => loadConfigFile(join(dir, 'missing.yaml'))).toThrow(/cannot read .*missing\.yaml: ENOENT/);
    rmSync(dir, { recursive: true });
  });
});
