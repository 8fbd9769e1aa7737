/**
 * A REST route as data: registered with fastify and described in
 * /openapi.json from the same schemas.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ConfigStore } from './config-store.js';
import type { MetricsRegistry } from './metrics.js';
import type { GatewayState, VtepDirectory } from './state.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteSchema {
  body?: object;
  params?: object;
  querystring?: object;
  /** answers by status code (documentation only) */
  response?: Record<number, object>;
}

export interface ApiRoute {
  method: HttpMethod;
  url: string;
  summary: string;
  /** default true: a bearer token is required */
  auth?: boolean;
  schema: RouteSchema;
  handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

/** What route modules work with. */
export interface ApiContext {
  store: ConfigStore;
  directory: VtepDirectory;
  state: GatewayState;
  metrics: MetricsRegistry;
  /** one line per change, never the token */
  audit: (req: FastifyRequest, action: string, details: Record<string, unknown>) => void;
  log: Logger;
}
