/**
 * The REST API (DESIGN §4) on fastify: admin bearer token on everything but
 * /healthz (RFC 6750 §3: 401 with WWW-Authenticate: Bearer), a token bucket
 * per client address (429, RFC 6585 §4), a body size limit (413), JSON only
 * (415), requests validated by JSON Schema with unknown fields refused, and
 * every error as `{"error": {status, message, field, reason}}`, never a 5xx
 * for bad input. One audit log line per change. Listens on loopback unless
 * told otherwise.
 */
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { bearerMatches } from './auth.js';
import type { ConfigStore } from './config-store.js';
import { errorBody, sendError, validationError } from './errors.js';
import type { MetricsRegistry } from './metrics.js';
import { buildOpenApi } from './openapi.js';
import { RateLimiter } from './rate-limit.js';
import type { RateLimitOptions } from './rate-limit.js';
import type { ApiContext, ApiRoute } from './route.js';
import { connectionRoutes } from './routes/connections.js';
import { gatewayRoutes } from './routes/gateways.js';
import { macRoutes } from './routes/macs.js';
import { stateRoutes } from './routes/state.js';
import type { GatewayState, VtepDirectory } from './state.js';

export interface ApiServerOptions {
  store: ConfigStore;
  directory: VtepDirectory;
  state: GatewayState;
  metrics: MetricsRegistry;
  /** the admin token (see loadOrCreateToken) */
  token: string;
  log: Logger;
  /** default 1 MiB */
  bodyLimit?: number;
  /** default burst 200, 100/s per client address */
  rateLimit?: RateLimitOptions;
  version?: string;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Build the server (routes registered, not listening). */
export async function buildApiServer(opts: ApiServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    logger: false,
    // Refuse unknown fields and wrong types instead of dropping or coercing them.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    return503OnClosing: true,
  });
  const limiter = new RateLimiter(opts.rateLimit ?? { burst: 200, perSecond: 100 });
  const log = opts.log;

  const ctx: ApiContext = {
    store: opts.store, directory: opts.directory, state: opts.state, metrics: opts.metrics, log,
    audit: (req, action, details) => log.info({ audit: { action, client: req.ip, method: req.method, url: req.url, ...details } }, `api ${action}`),
  };

  const routes: ApiRoute[] = [
    ...gatewayRoutes(ctx), ...connectionRoutes(ctx), ...macRoutes(ctx), ...stateRoutes(ctx),
  ];
  const system: ApiRoute[] = [
    {
      method: 'GET', url: '/healthz', summary: 'Liveness and config database connection', auth: false, schema: {},
      handler: async (_req, reply) => {
        const ok = opts.store.connected;
        return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', config_db: ok ? 'connected' : 'disconnected' });
      },
    },
    {
      method: 'GET', url: '/metrics', summary: 'Prometheus metrics', schema: {},
      handler: async (_req, reply) => reply.type(opts.metrics.contentType()).send(await opts.metrics.render()),
    },
    {
      method: 'GET', url: '/openapi.json', summary: 'This API described in OpenAPI 3.0', schema: {},
      handler: async () => openapi,
    },
  ];
  const all = [...routes, ...system];
  const openapi = buildOpenApi(all, { title: 'l2bgw', version: opts.version ?? '0.1.0' });
  const open = new Set(all.filter((r) => r.auth === false).map((r) => `${r.method} ${r.url}`));

  app.addHook('onRequest', async (req, reply) => {
    if (!limiter.take(req.ip)) {
      reply.header('retry-after', String(limiter.retryAfter(req.ip)));
      return sendError(reply, 429, 'too many requests', 'rate-limited');
    }
    if (open.has(`${req.method} ${req.routeOptions.url ?? ''}`)) return;
    if (!bearerMatches(req.headers.authorization, opts.token)) {
      reply.header('www-authenticate', 'Bearer realm="l2bgw"');
      return sendError(reply, 401, 'a valid admin bearer token is required', 'unauthorized');
    }
  });
  app.addHook('onResponse', async (req, reply) => {
    opts.metrics.apiRequest(req.method, reply.statusCode);
  });

  app.setErrorHandler((err: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
    if (err.validation) return reply.code(400).send(validationError(err));
    switch (err.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(reply, 413, `body larger than ${opts.bodyLimit ?? DEFAULT_BODY_LIMIT} bytes`, 'too-large');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(reply, 415, 'only application/json bodies are accepted', 'media-type');
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendError(reply, 400, 'the body is empty', 'invalid-json');
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return sendError(reply, 400, 'the body is not valid JSON', 'invalid-json');
    }
    const status = err.statusCode ?? 500;
    // Fastify's other 4xx (e.g. a bad Content-Length); malformed JSON has its own code above.
    if (status >= 400 && status < 500) return sendError(reply, status, err.message, 'invalid');
    log.error({ err }, 'api request failed');
    return reply.code(500).send(errorBody(500, 'internal error', 'failed'));
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, `no route ${req.method} ${req.url.split('?')[0]}`, 'not-found'));

  for (const r of all) {
    app.route({ method: r.method, url: r.url, schema: { ...r.schema, response: undefined }, handler: r.handler });
  }
  await app.ready();
  return app;
}

/** Build and listen (default 127.0.0.1). Returns the server and its bound address. */
export async function startApiServer(opts: ApiServerOptions & { host?: string; port?: number }): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildApiServer(opts);
  const address = await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 8080 });
  opts.log.info({ address }, 'REST API listening');
  return { app, url: address };
}
