import { describe, expect, it } from 'vitest';
import { buildIocId } from '../../../src/core/ioc/ioc-id.js';
import { normalizeIndicator } from '../../../src/core/ioc/normalize-indicator.js';

describe('buildIocId', () => {
  it('is the hex SHA-256 of "type|value"', () => {
    // printf 'ipv4-addr|105.154.12.165' | sha256sum
    expect(buildIocId('ipv4-addr', '105.154.12.165')).toBe('12d0f50e240395dd4c508d13101b90d122ea2205de0a0f5698d0d31097569ab9');
  });

  it('gives the same id to the same IOC written differently, after normalisation', () => {
    const ids = ['45[.]153[.]160[.]2', '::ffff:45.153.160.2', ' 45.153.160.2/32 '].map((raw) => {
      const result = normalizeIndicator(raw);
      if (!result.ok) throw new Error(result.reason);
      return buildIocId(result.ioc.type, result.ioc.value);
    });
    expect(new Set(ids).size).toBe(1);
  });

  it('separates types that share a value', () => {
    expect(buildIocId('domain-name', 'evil.example')).not.toBe(buildIocId('url', 'evil.example'));
  });
});
