import { describe, expect, it } from 'vitest';
import { refang } from '../../../src/core/ioc/refang.js';
import { timed } from './timed.js';

describe('refang', () => {
  it.each([
    ['hxxp://evil[.]example/a', 'http://evil.example/a'],
    ['hxxps://evil[.]example', 'https://evil.example'],
    ['hXXps://evil.example', 'https://evil.example'],
    ['HXXP[:]//evil.example', 'http://evil.example'],
    ['hxxps[://]evil.example', 'https://evil.example'],
    ['evil(.)example', 'evil.example'],
    ['evil{.}example', 'evil.example'],
    ['evil[dot]example', 'evil.example'],
    ['evil[DOT]example', 'evil.example'],
    ['45[.]153[.]160[.]2', '45.153.160.2'],
    ['2a0e[:]1c80::1', '2a0e:1c80::1'],
    ['phish[@]evil.example', 'phish@evil.example'],
    ['phish[at]evil[dot]example', 'phish@evil.example'],
  ])('turns %s into %s', (defanged, refanged) => {
    expect(refang(defanged)).toBe(refanged);
  });

  it('leaves bracketed IPv6 hosts and ordinary words alone', () => {
    expect(refang('http://[2001:db8::1]:8080/dot/at')).toBe('http://[2001:db8::1]:8080/dot/at');
    expect(refang('[::]')).toBe('[::]');
  });

  it('only rewrites hxxp at the start of the value', () => {
    expect(refang('http://evil.example/hxxp://x')).toBe('http://evil.example/hxxp://x');
  });

  it('refangs nested markers in one call', () => {
    expect(refang('http://a[.]example#([.])')).toBe('http://a.example#.');
  });

  it.each([
    ['[[[.]]]', '.'],
    ['([.])', '.'],
    ['{[(.)]}', '.'],
    ['[(dot)]', '.'],
    ['[[:]//]', '://'],
    ['[[at]]', '@'],
    ['[.]]', '.]'],
    ['[[.]', '[.'],
  ])('refangs nested markers %s into %s', (defanged, refanged) => {
    expect(refang(defanged)).toBe(refanged);
  });

  // The old loop made one pass per nesting level: 80 KB of brackets took 25 s.
  it('refangs 40,000 nested brackets in one linear pass', () => {
    const { result, ms } = timed(() => refang(`${'['.repeat(20_000)}.${']'.repeat(20_000)}`));
    expect(result).toBe('.');
    expect(ms).toBeLessThan(200);
  });

  it.each([
    ['evil\u3002example\u3002com', 'evil.example.com'],
    ['evil\uff0eexample', 'evil.example'],
    ['evil\uff61example', 'evil.example'],
    ['evil[\u3002]example', 'evil.example'],
    ['hxxp://evil\u3002example/a\u3002b', 'http://evil.example/a.b'],
  ])('refangs the CJK full stop in %s', (defanged, refanged) => {
    expect(refang(defanged)).toBe(refanged);
  });

  it('is idempotent', () => {
    const once = refang('hxxps[:]//evil[.]example/a(.)b');
    expect(refang(once)).toBe(once);
  });
});
