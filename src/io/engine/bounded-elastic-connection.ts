import {
  errors as elasticErrors,
  UndiciConnection,
  type ConnectionRequestOptions,
  type ConnectionRequestOptionsAsStream,
  type ConnectionRequestParams,
  type ConnectionRequestResponse,
  type ConnectionRequestResponseAsStream,
} from '@elastic/elasticsearch';
import { inflatedHeaders, readLimited } from './bounded-connections.js';

/**
 * The Elasticsearch client's own `maxResponseSize` check is not enough: on a declared
 * content-length past it, @elastic/transport 8.x destroys undici's body with no listener, and
 * the AbortError that follows is an uncaught exception; and it inflates a gzip body whole. So
 * its connection asks undici for the body as a stream and reads it with the same bounds as
 * OpenSearch's. A request that itself asks for a stream (`asStream`, which iochunt never does)
 * gets the stream, unbounded.
 */
export function limitedElasticConnection(limit: number): typeof UndiciConnection {
  return class LimitedElasticConnection extends UndiciConnection {
    override request(params: ConnectionRequestParams, options: ConnectionRequestOptions): Promise<ConnectionRequestResponse>;
    override request(params: ConnectionRequestParams, options: ConnectionRequestOptionsAsStream): Promise<ConnectionRequestResponseAsStream>;
    override async request(
      params: ConnectionRequestParams,
      options: ConnectionRequestOptions | ConnectionRequestOptionsAsStream,
    ): Promise<ConnectionRequestResponse | ConnectionRequestResponseAsStream> {
      if ('asStream' in options && options.asStream) return super.request(params, options);
      const response = await super.request(params, { ...options, asStream: true });
      const chunks = await readLimited(response.body, { method: params.method, headers: response.headers }, limit, (message) => new elasticErrors.ConnectionError(message));
      // A Buffer: the client decodes it as text unless its content-type is binary (CBOR, Smile...).
      return { statusCode: response.statusCode, headers: inflatedHeaders(response.headers), body: Buffer.concat(chunks) };
    }
  };
}

