/**
 * The urql client: GraphQL over HTTP at /graphql (same origin, session cookie) and
 * subscriptions over graphql-transport-ws at ws(s)://<host>/graphql.
 *
 * AuthProvider (auth.tsx) creates one client per sign-in session, so a new session never sees
 * the previous user's cache and the WebSocket reconnects with the new cookie.
 */
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import {
  Client,
  cacheExchange,
  fetchExchange,
  mapExchange,
  subscriptionExchange,
  type CombinedError,
  type Operation,
} from 'urql';

export const GRAPHQL_PATH = '/graphql';

/** Header the backend requires on multipart uploads; sent on every request (harmless). */
export const CSRF_HEADERS: Record<string, string> = { 'X-Frontdesk-CSRF': '1' };

export function graphqlWsUrl(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${location.host}${GRAPHQL_PATH}`;
}

/** Whether an error (or the WebSocket's close) means "sign in first". */
export function isUnauthenticated(error: CombinedError | undefined | null): boolean {
  if (!error) return false;
  if (error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) return true;
  return error.response?.status === 401;
}

export interface FrontdeskClient {
  client: Client;
  dispose(): void;
}

export interface ClientOptions {
  /** Called when the server says the viewer is signed out (session expired, signed out elsewhere). */
  onUnauthenticated?: (operation: Operation) => void;
  url?: string;
  wsUrl?: string;
}

export function createFrontdeskClient(options: ClientOptions = {}): FrontdeskClient {
  let ws: WsClient | null = null;
  const wsClient = (): WsClient => {
    ws ??= createWsClient({
      url: options.wsUrl ?? graphqlWsUrl(),
      lazy: true,
      // Reconnect after network blips; subscriptions resume (the timeline passes `after`).
      retryAttempts: Infinity,
      shouldRetry: () => true,
      retryWait: async (retries) => {
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** retries, 15000)));
      },
    });
    return ws;
  };

  const client = new Client({
    url: options.url ?? GRAPHQL_PATH,
    fetchOptions: () => ({ credentials: 'same-origin', headers: CSRF_HEADERS }),
    preferGetMethod: false,
    exchanges: [
      mapExchange({
        onError(error, operation) {
          if (isUnauthenticated(error)) options.onUnauthenticated?.(operation);
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = wsClient().subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });

  return {
    client,
    dispose() {
      void ws?.dispose();
      ws = null;
    },
  };
}
