/** /v2.0/l2-remote-gateways: create, list, show, update, delete (DESIGN §4). */
import { isUuid } from '../../vtep/ovsdb/codec/values.js';
import { sendError, sendStoreError } from '../errors.js';
import type { ApiContext, ApiRoute } from '../route.js';
import { errorAnswer, gatewayAnswer, gatewayCreateBody, gatewayListAnswer, gatewayUpdateBody, idParams } from '../schemas.js';

interface GatewayBody {
  'remote-gateway': { name?: string; ipaddr?: string };
}

const BASE = '/v2.0/l2-remote-gateways';

export function gatewayRoutes(ctx: ApiContext): ApiRoute[] {
  const { store } = ctx;
  return [
    {
      method: 'POST', url: BASE, summary: 'Create a remote gateway',
      schema: { body: gatewayCreateBody, response: { 201: gatewayAnswer, 400: errorAnswer, 409: errorAnswer } },
      handler: async (req, reply) => {
        const gw = (req.body as GatewayBody)['remote-gateway'] as { name: string; ipaddr: string };
        // A name shaped like a uuid would make lookups by name or uuid ambiguous.
        if (isUuid(gw.name)) return sendError(reply, 400, 'remote-gateway.name must not be a UUID', 'format', 'remote-gateway.name');
        const r = await store.createGateway({ name: gw.name, ipaddr: gw.ipaddr.toLowerCase() });
        if (!r.ok) return sendStoreError(reply, { ...r.error, field: r.error.field && `remote-gateway.${r.error.field}` });
        ctx.audit(req, 'remote-gateway.create', { id: r.value.id, name: r.value.name, ipaddr: r.value.ipaddr });
        return reply.code(201).send({ 'remote-gateway': r.value });
      },
    },
    {
      method: 'GET', url: BASE, summary: 'List remote gateways',
      schema: { response: { 200: gatewayListAnswer } },
      handler: async () => ({ 'remote-gateways': store.listGateways() }),
    },
    {
      method: 'GET', url: `${BASE}/:id`, summary: 'Show a remote gateway by name or UUID',
      schema: { params: idParams, response: { 200: gatewayAnswer, 404: errorAnswer } },
      handler: async (req, reply) => {
        const { id } = req.params as { id: string };
        const gw = store.getGateway(id);
        return gw ? { 'remote-gateway': gw } : sendError(reply, 404, `no remote gateway ${id}`, 'not-found');
      },
    },
    {
      method: 'PUT', url: `${BASE}/:id`, summary: 'Update the name and/or address of a remote gateway',
      schema: { params: idParams, body: gatewayUpdateBody, response: { 200: gatewayAnswer, 400: errorAnswer, 404: errorAnswer, 409: errorAnswer } },
      handler: async (req, reply) => {
        const { id } = req.params as { id: string };
        const patch = (req.body as GatewayBody)['remote-gateway'];
        if (patch.name !== undefined && isUuid(patch.name)) return sendError(reply, 400, 'remote-gateway.name must not be a UUID', 'format', 'remote-gateway.name');
        const r = await store.updateGateway(id, { ...patch, ...(patch.ipaddr ? { ipaddr: patch.ipaddr.toLowerCase() } : {}) });
        if (!r.ok) return sendStoreError(reply, { ...r.error, field: r.error.field && `remote-gateway.${r.error.field}` });
        ctx.audit(req, 'remote-gateway.update', { id: r.value.id, name: r.value.name, ipaddr: r.value.ipaddr });
        return { 'remote-gateway': r.value };
      },
    },
    {
      method: 'DELETE', url: `${BASE}/:id`, summary: 'Delete a remote gateway (409 while a connection uses it)',
      schema: { params: idParams, response: { 204: {}, 404: errorAnswer, 409: errorAnswer } },
      handler: async (req, reply) => {
        const { id } = req.params as { id: string };
        const r = await store.deleteGateway(id);
        if (!r.ok) return sendStoreError(reply, r.error);
        ctx.audit(req, 'remote-gateway.delete', { id: r.value.id, name: r.value.name });
        return reply.code(204).send();
      },
    },
  ];
}
