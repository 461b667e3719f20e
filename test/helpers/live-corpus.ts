/**
 * One IOC set and one event set for the live-tagging strategies to agree on
 * (test/integration/live/strategies-agree.test.ts on OpenSearch, test/docker/enrich-strategy.test.ts
 * on Elasticsearch's default distribution).
 */

/**
 * The IOC set: nested IPv4 and IPv6 networks, exact IPv6, one value of every other kind, and
 * domains for the subdomain rule: public suffixes (ICANN `co.uk`, private `github.io`) that
 * match exactly only, a name under a shared-hosting suffix, a subdomain IOC under another.
 */
export const AGREE_IOCS = [
  '45.155.205.0/24',
  '45.155.0.0/16',
  '91.92.93.94',
  '2a03:2880:f10c:83:face:b00c:0:25de',
  '2a00:1450::/32',
  '2a00:1450:4001::/48',
  'evil-update.com',
  'c2.evil-update.com',
  'co.uk',
  'github.io',
  'pages-drop.github.io',
  'http://cdn-payload.net/drop/stage2.bin',
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'invoice@billing-docs.com',
];

export const AGREE_NOW = new Date().toISOString();

/** Events as logs spell them: other cases, IPv6 in long form, IPv4-mapped, trailing dots, a non-IP in an IP field. */
export const AGREE_EVENTS: Record<string, Record<string, unknown>> = {
  nestedV4: { source: { ip: '45.155.205.77' } },
  mappedV4: { destination: { ip: '::ffff:91.92.93.94' } },
  longV6: { source: { ip: '2A03:2880:F10C:0083:FACE:B00C:0000:25DE' } },
  nestedV6: { destination: { ip: '2a00:1450:4001:0:0:0:0:1' } },
  outerV6Only: { client: { ip: '2a00:1450:ffff::1' } },
  notAnIp: { related: { ip: ['not-an-ip', '2a00:1450:4001::99'] } },
  domainCase: { dns: { question: { name: 'EVIL-UPDATE.COM.' } } },
  urlCase: { url: { full: 'HTTP://CDN-PAYLOAD.NET/drop/stage2.bin' } },
  urlPathCase: { url: { full: 'http://cdn-payload.net/DROP/stage2.bin' } },
  hashCase: { file: { hash: { sha256: 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855' } } },
  emailCase: { email: { from: { address: 'Invoice@Billing-Docs.COM' } } },
  miss: { source: { ip: '8.8.8.8' }, dns: { question: { name: 'example.org' } } },
  subdomain: { dns: { question: { name: 'CDN.Evil-Update.COM.' } } },
  deepSubdomain: { url: { domain: 'a.b.evil-update.com' } },
  underTwo: { tls: { client: { server_name: 'x.c2.evil-update.com' } } },
  labelBoundary: { dns: { question: { name: 'xevil-update.com' } }, url: { domain: 'evil-update.com.attacker.net' } },
  publicSuffixes: { dns: { question: { name: 'x.co.uk' } }, url: { domain: 'foo.github.io' } },
  publicSuffixExact: { url: { domain: 'GitHub.io' } },
  sharedHosting: { related: { hosts: ['other.github.io', 'cdn.pages-drop.github.io'] } },
  exactAndBelow: { related: { hosts: ['www.evil-update.com', 'evil-update.com'] } },
  exactFeed: { dns: { question: { name: 'www.exact-only.net' } }, url: { domain: 'exact-only.net' } },
};

/** Loaded as a feed of its own with `sync --exact-domains`: its IOCs tag their exact name only. */
export const AGREE_EXACT_IOCS = ['exact-only.net'];

