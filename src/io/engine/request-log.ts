import type { Logger } from '../../logger.js';

/** What both clients' `request` and `response` events carry, as far as we read it. */
interface RequestEvent {
  statusCode?: number | null;
  meta?: { attempts?: number; request?: { id?: unknown; params?: { method?: string; path?: string } } };
}

type Listener = (error: unknown, event: RequestEvent | null) => void;

/**
 * One debug line per cluster request: method, path (no query string, which may carry a
 * `scroll_id`), status, duration and the client's retry count — never a header or a body.
 * `on` subscribes to a client's events (`client.on` for OpenSearch, `client.diagnostic.on`
 * for Elasticsearch).
 */
export function logRequests(on: (event: 'request' | 'response', listener: Listener) => unknown, log: Logger): void {
  if (!log.isLevelEnabled('debug')) return;
  const started = new Map<unknown, number>();
  on('request', (_error, event) => {
    started.set(event?.meta?.request?.id, Date.now());
  });
  on('response', (error, event) => {
    const id = event?.meta?.request?.id;
    const since = started.get(id);
    started.delete(id);
    const params = event?.meta?.request?.params;
    log.debug(
      {
        method: params?.method,
        path: params?.path?.split('?')[0],
        status: event?.statusCode ?? null,
        ms: since === undefined ? null : Date.now() - since,
        attempts: event?.meta?.attempts ?? 0,
        ...(error ? { error: (error as Error).name } : {}),
      },
      'cluster request',
    );
  });
}
