import { describe, expect, it } from 'vitest';
import { redactText, redactUrl, secretsOf } from '../../src/redact.js';

describe('redaction', () => {
  it('takes user info and secret query parameters out of a URL, keeps the rest', () => {
    expect(redactUrl('https://feed.example/list.txt?apikey=TOPSECRET&day=3')).toBe('https://feed.example/list.txt?apikey=***&day=3');
    expect(redactUrl('https://u:pw@feed.example/x?token=abc&sig=zzz')).toBe('https://feed.example/x?token=***&sig=***');
    expect(redactUrl('https://feed.example/x?page=2')).toBe('https://feed.example/x?page=2');
  });

  it('redacts a malformed URL whose password holds a slash', () => {
    const shown = redactUrl('http://alice:pa/ss@127.0.0.1:bad');
    expect(shown).not.toContain('pa/ss');
    expect(shown).toContain('127.0.0.1');
  });

  it('finds credentials inside any text: URL user info, query tokens, Authorization values', () => {
    const text =
      'GET http://alice:S3cretPw@10.1.1.1:9200/ failed; header Authorization: Basic YWxpY2U6UzNjcmV0UHc= echoed; ' +
      'source https://x.example/f?api_key=K3Y&x=1 and ApiKey dGhpczppcw==';
    const shown = redactText(text);
    for (const secret of ['S3cretPw', 'YWxpY2U6UzNjcmV0UHc=', 'K3Y', 'dGhpczppcw==']) expect(shown).not.toContain(secret);
    expect(shown).toContain('http://10.1.1.1:9200/');
    expect(shown).toContain('x=1');
  });

  it('leaves URLs without credentials as they are', () => {
    const text = 'http://evil.example/login@x is an IOC; https://h.example:8443/a?b=c';
    expect(redactText(text)).toBe(text);
  });

  it('collects the secrets of a command line and environment, in every spelling', () => {
    const secrets = secretsOf(
      ['status', '--password', 'Pw-One', '--api-key=K-Two', '--url', 'http://bob:Pw%2FThree@h:9200', '--kibana-password', 'Pw-Four'],
      { IOCHUNT_PASSWORD: 'Env-Five', IOCHUNT_URL: 'http://h', IOCHUNT_USER: 'bob' },
    );
    expect(secrets).toEqual(expect.arrayContaining(['Pw-One', 'K-Two', 'Pw/Three', 'Pw%2FThree', 'Pw-Four', 'Env-Five']));
    expect(secrets).toContain(Buffer.from('bob:Pw-One').toString('base64'));
    expect(secrets).not.toContain('http://h');
  });
});
