import { errors } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { ClusterError } from '../../../src/errors.js';
import { errorTypeOf, isNotFound, isRetryable, statusOf, translateClusterError } from '../../../src/io/engine/cluster-errors.js';

/** Real client error objects, as @elastic/transport builds them. */
function responseError(statusCode: number, body: unknown): errors.ResponseError {
  return new errors.ResponseError({
    body,
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as never,
  });
}

const context = { url: 'http://elastic:pw-123@es:9200', action: 'reading cluster health', secrets: ['pw-123'], user: 'elastic' };

describe('cluster error translation', () => {
  it('reads status and error type from a response error', () => {
    const error = responseError(400, { error: { type: 'too_many_clauses', reason: 'maxClauseCount is set to 1024' } });
    expect(statusOf(error)).toBe(400);
    expect(errorTypeOf(error)).toBe('too_many_clauses');
  });

  it('retries 429, 502, 503, 504 and reset connections, nothing else', () => {
    expect([429, 502, 503, 504].map((s) => isRetryable(responseError(s, {})))).toEqual([true, true, true, true]);
    expect([400, 401, 403, 404, 409, 500].map((s) => isRetryable(responseError(s, {})))).toEqual([
      false, false, false, false, false, false,
    ]);
    expect(isRetryable(new errors.ConnectionError('read ECONNRESET'))).toBe(true);
    expect(isRetryable(new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200'))).toBe(false);
    expect(isRetryable(new errors.TimeoutError('Request timed out'))).toBe(true);
  });

  it('a refused connection says how to fix it, without credentials', () => {
    const error = translateClusterError(new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200'), context);
    expect(error).toBeInstanceOf(ClusterError);
    expect(error.message).toBe('cannot reach http://es:9200 (ECONNREFUSED): set --url or IOCHUNT_URL to a running cluster');
  });

  it('a 401 names the user and the flags to check', () => {
    const error = translateClusterError(responseError(401, { error: { type: 'security_exception', reason: 'unable to authenticate' } }), context);
    expect(error.message).toBe(
      'authentication failed at http://es:9200 for user "elastic": check --user/--password (IOCHUNT_USER/IOCHUNT_PASSWORD) or --api-key',
    );
    expect((error as ClusterError).kind).toBe('auth');
  });

  it('a 403 keeps the server reason; a server error names status and type; secrets are removed', () => {
    const forbidden = translateClusterError(
      responseError(403, { error: { type: 'security_exception', reason: 'action [indices:data/write/bulk] is unauthorized for user [hunter]' } }),
      context,
    );
    expect(forbidden.message).toBe(
      'permission denied reading cluster health at http://es:9200: action [indices:data/write/bulk] is unauthorized for user [hunter]',
    );
    const server = translateClusterError(responseError(500, { error: { type: 'exception', reason: 'boom pw-123' } }), context);
    expect(server.message).toBe('reading cluster health at http://es:9200 failed with HTTP 500 exception: boom ***');
  });

  it('a TLS failure suggests --ca and --insecure with the short OpenSSL reason', () => {
    const error = translateClusterError(
      new errors.ConnectionError('write EPROTO 80CC:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/x.c:350:'),
      { ...context, url: 'https://es:9200' },
    );
    expect(error.message).toBe(
      "TLS handshake with https://es:9200 failed (wrong version number): check the scheme, or trust the cluster's CA with --ca FILE (or --insecure)",
    );
  });

  it('isNotFound is true only for translated 404s', () => {
    expect(isNotFound(translateClusterError(responseError(404, {}), context))).toBe(true);
    expect(isNotFound(translateClusterError(responseError(400, {}), context))).toBe(false);
    expect(isNotFound(responseError(404, {}))).toBe(false);
  });
});

describe('dropped connections', () => {
  it('treats a socket hang-up as a reset: retryable, named ECONNRESET', () => {
    const error = new errors.ConnectionError('socket hang up');
    expect(isRetryable(error)).toBe(true);
    expect(translateClusterError(error, context).message).toBe('cannot reach http://es:9200 (ECONNRESET): set --url or IOCHUNT_URL to a running cluster');
  });
});
