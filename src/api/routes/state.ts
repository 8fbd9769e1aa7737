/** Read-only state: BGP sessions, EVPN routes, VTEP switches with their effective remote MACs. */
import type { ApiContext, ApiRoute } from '../route.js';
import { errorAnswer, routeQuery } from '../schemas.js';
import type { RouteFilter } from '../state.js';

export function stateRoutes(ctx: ApiContext): ApiRoute[] {
  const { state } = ctx;
  return [
    {
      method: 'GET', url: '/v2.0/bgp/peers', summary: 'BGP sessions',
      schema: {},
      handler: async () => ({ peers: state.peers() }),
    },
    {
      method: 'GET', url: '/v2.0/evpn/routes', summary: 'EVPN routes (RFC 7432 type 2 and 3), optionally by VNI and type',
      schema: { querystring: routeQuery, response: { 400: errorAnswer } },
      handler: async (req) => {
        const q = req.query as { vni?: string; type?: string };
        const filter: RouteFilter = {};
        if (q.vni !== undefined) filter.vni = Number(q.vni);
        if (q.type !== undefined) filter.type = q.type === '2' ? 2 : 3;
        return { routes: state.routes(filter) };
      },
    },
    {
      method: 'GET', url: '/v2.0/vteps', summary: 'VTEP switches and their effective remote MACs (source bgp or manual)',
      schema: {},
      handler: async () => ({ vteps: state.vteps() }),
    },
  ];
}
