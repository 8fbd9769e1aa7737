/** /v2.0/l2-remote-macs: create one or many (all or nothing), list, show, delete. */
import { sendError, sendStoreError } from '../errors.js';
import type { ApiContext, ApiRoute } from '../route.js';
import { errorAnswer, idParams, macAnswer, macCreateBody, macListAnswer, macListQuery } from '../schemas.js';

interface MacEntry {
  mac: string;
  ip?: string;
  rgw_connection: string;
}

const BASE = '/v2.0/l2-remote-macs';

export function macRoutes(ctx: ApiContext): ApiRoute[] {
  const { store } = ctx;
  return [
    {
      method: 'POST', url: BASE, summary: 'Create a remote MAC, or many at once with "remote-macs" (all or nothing)',
      schema: { body: macCreateBody, response: { 201: { oneOf: [macAnswer, macListAnswer] }, 400: errorAnswer, 404: errorAnswer, 409: errorAnswer } },
      handler: async (req, reply) => {
        const body = req.body as { 'remote-mac'?: MacEntry; 'remote-macs'?: MacEntry[] };
        const bulk = body['remote-macs'] !== undefined;
        const entries = body['remote-macs'] ?? [body['remote-mac'] as MacEntry];
        const fieldOf = (i: number, key: string): string => (bulk ? `remote-macs[${i}].${key}` : `remote-mac.${key}`);
        const r = await store.createMacs(
          entries.map((e) => ({ mac: e.mac.toLowerCase(), rgw_connection: e.rgw_connection.toLowerCase(), ...(e.ip ? { ipaddr: e.ip.toLowerCase() } : {}) })),
          fieldOf,
        );
        if (!r.ok) return sendStoreError(reply, r.error);
        for (const m of r.value) ctx.audit(req, 'remote-mac.create', { ...m });
        return reply.code(201).send(bulk ? { 'remote-macs': r.value } : { 'remote-mac': r.value[0] });
      },
    },
    {
      method: 'GET', url: BASE, summary: 'List remote MACs, optionally of one connection',
      schema: { querystring: macListQuery, response: { 200: macListAnswer, 400: errorAnswer } },
      handler: async (req) => {
        const q = req.query as { remote_connection?: string };
        return { 'remote-macs': store.listMacs(q.remote_connection?.toLowerCase()) };
      },
    },
    {
      method: 'GET', url: `${BASE}/:id`, summary: 'Show a remote MAC',
      schema: { params: idParams, response: { 200: macAnswer, 404: errorAnswer } },
      handler: async (req, reply) => {
        const { id } = req.params as { id: string };
        const m = store.getMac(id);
        return m ? { 'remote-mac': m } : sendError(reply, 404, `no remote MAC ${id}`, 'not-found');
      },
    },
    {
      method: 'DELETE', url: `${BASE}/:id`, summary: 'Delete a remote MAC',
      schema: { params: idParams, response: { 204: {}, 404: errorAnswer } },
      handler: async (req, reply) => {
        const { id } = req.params as { id: string };
        const r = await store.deleteMac(id);
        if (!r.ok) return sendStoreError(reply, r.error);
        ctx.audit(req, 'remote-mac.delete', { ...r.value });
        return reply.code(204).send();
      },
    },
  ];
}
