import { describe, expect, it } from 'vitest';
import { domainScope, labelCount } from '../../../src/core/hunt/domain-scope.js';
import { registeredDomainField } from '../../../src/core/hunt/registered-domain-field.js';
import { buildSuffixPatterns, MAX_SUFFIX_PATTERN_CHARS } from '../../../src/core/hunt/suffix-patterns.js';

describe('domainScope', () => {
  it('lets a registered domain and any name below it match subdomains', () => {
    expect(domainScope('evil-update.com')).toEqual({ subdomains: true, registered: true });
    expect(domainScope('c2.evil-update.com')).toEqual({ subdomains: true, registered: false });
    expect(domainScope('x.co.uk')).toEqual({ subdomains: true, registered: true });
  });

  it('refuses subdomains to public suffixes of both sections: ICANN and private (shared hosting)', () => {
    for (const suffix of ['co.uk', 'com', 'github.io', 'blogspot.com', 'herokuapp.com', 's3.amazonaws.com']) {
      expect(domainScope(suffix), suffix).toEqual({ subdomains: false, registered: false });
    }
  });

  it('a name under a private suffix matches subdomains but is not a registered domain for shippers that know only ICANN', () => {
    expect(domainScope('pages-drop.github.io')).toEqual({ subdomains: true, registered: false });
  });

  it('follows the default rule for unknown top labels, and refuses IP addresses', () => {
    expect(domainScope('evil.example')).toEqual({ subdomains: true, registered: true });
    expect(domainScope('example')).toEqual({ subdomains: false, registered: false });
    expect(domainScope('45.83.1.2')).toEqual({ subdomains: false, registered: false });
  });

  it('counts labels', () => {
    expect([labelCount('com'), labelCount('evil.example'), labelCount('a.b.evil.example')]).toEqual([1, 2, 4]);
  });
});

describe('registeredDomainField', () => {
  it('names the ECS registered-domain field beside a domain field, none for the others', () => {
    expect(['dns.question.name', 'url.domain', 'destination.domain', 'related.hosts', 'tls.client.server_name', 'domain'].map(registeredDomainField)).toEqual([
      'dns.question.registered_domain',
      'url.registered_domain',
      'destination.registered_domain',
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('buildSuffixPatterns', () => {
  it('writes one regexp matching names strictly below any of the domains, every non-alphanumeric escaped', () => {
    const [pattern] = buildSuffixPatterns(['evil-update.com', 'x_y.example']);
    expect(pattern).toBe('.*\\.(evil\\-update\\.com|x\\_y\\.example)');
    // Lucene regexp anchors the whole term, like this anchored JavaScript twin.
    const twin = new RegExp(`^${pattern}$`);
    expect(['a.evil-update.com', 'a.b.x_y.example'].every((name) => twin.test(name))).toBe(true);
    expect(['evil-update.com', 'xevil-update.com', 'evil-update.com.attacker.net'].some((name) => twin.test(name))).toBe(false);
  });

  it('cuts patterns at the length cap, packing as many domains as fit, in order', () => {
    const domains = Array.from({ length: 200 }, (_, i) => `domain-${String(i).padStart(3, '0')}.example`);
    const patterns = buildSuffixPatterns(domains);
    expect(patterns.every((p) => p.length <= MAX_SUFFIX_PATTERN_CHARS)).toBe(true);
    expect(patterns.length).toBe(Math.ceil(domains.length / Math.floor((MAX_SUFFIX_PATTERN_CHARS - 6 + 1) / '|domain\\-000\\.example'.length)));
    expect(patterns.join('|').match(/domain\\-\d{3}/g)).toHaveLength(200);
  });
});
