/**
 * /v2.0/l2-remote-gateway-connections: create, list, show, delete. The
 * local gateway is a managed Physical_Switch and the network a
 * Logical_Switch of its database, both by name or uuid; segmentation_id defaults to the
 * logical switch's tunnel_key (its VNI).
 */
import { sendError, sendStoreError } from '../errors.js';
import type { ApiContext, ApiRoute } from '../route.js';
import { connectionAnswer, connectionCreateBody, connectionListAnswer, errorAnswer, idParams } from '../schemas.js';

interface ConnectionBody {
  'remote-gateway-connection': {
    l2_gateway: string; network: string; remote_gateway: string;
    segmentation_id?: number; network_type?: 'vxlan'; flood?: boolean;
  };
}

const BASE = '/v2.0/l2-remote-gateway-connections';
const F = 'remote-gateway-connection';

export function connectionRoutes(ctx: ApiContext): ApiRoute[] {
  const { store, directory } = ctx;
  return [
    {
      method: 'POST', url: BASE, summary: 'Connect a network of a local gateway to a remote gateway',
      schema: { body: connectionCreateBody, response: { 201: connectionAnswer, 400: errorAnswer, 404: errorAnswer, 409: errorAnswer } },
      handler: async (req, reply) => {
        const c = (req.body as ConnectionBody)[F];
        const sw = directory.listSwitches().find((s) => s.uuid === c.l2_gateway || s.name === c.l2_gateway);
        if (!sw) return sendError(reply, 404, `no managed switch ${c.l2_gateway}`, 'not-found', `${F}.l2_gateway`);
        const ls = directory.findLogicalSwitch(c.network, sw.name);
        if (!ls) return sendError(reply, 404, `no logical switch ${c.network}`, 'not-found', `${F}.network`);
        const segmentationId = c.segmentation_id ?? ls.tunnelKey;
        if (segmentationId === null || segmentationId < 1) {
          return sendError(reply, 400, `logical switch ${ls.name} has no tunnel_key: segmentation_id is required`, 'required', `${F}.segmentation_id`);
        }
        const r = await store.createConnection({
          l2_gateway: sw.name, l2_gateway_id: sw.uuid, network: ls.name, network_id: ls.uuid,
          remote_gateway: c.remote_gateway, segmentation_id: segmentationId, network_type: c.network_type ?? 'vxlan', flood: c.flood ?? true,
        });
        if (!r.ok) return sendStoreError(reply, { ...r.error, field: r.error.field && `${F}.${r.error.field}` });
        ctx.audit(req, 'remote-gateway-connection.create', { ...r.value });
        return reply.code(201).send({ [F]: r.value });
      },
    },
    {
      method: 'GET', url: BASE, summary: 'List remote gateway connections',
      schema: { response: { 200: connectionListAnswer } },
      handler: async () => ({ 'remote-gateway-connections': store.listConnections() }),
    },
    {
      method: 'GET', url: `${BASE}/:id`, summary: 'Show a remote gateway connection',
      schema: { params: idParams, response: { 200: connectionAnswer, 404: errorAnswer } },
      handler: async (req, reply) => {
        const { id } = req.params as { id: string };
        const c = store.getConnection(id);
        return c ? { [F]: c } : sendError(reply, 404, `no remote gateway connection ${id}`, 'not-found');
      },
    },
    {
      method: 'DELETE', url: `${BASE}/:id`, summary: 'Delete a remote gateway connection and its remote MACs',
      schema: { params: idParams, response: { 204: {}, 404: errorAnswer } },
      handler: async (req, reply) => {
        const { id } = req.params as { id: string };
        const r = await store.deleteConnection(id);
        if (!r.ok) return sendStoreError(reply, r.error);
        ctx.audit(req, 'remote-gateway-connection.delete', { id: r.value.id });
        return reply.code(204).send();
      },
    },
  ];
}
