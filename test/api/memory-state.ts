/** An in-memory GatewayState for API tests (the daemon implements the real one). */
import type { GatewayState, PeerView, RouteFilter, RouteView, VtepView } from '../../src/api/state.js';

export class MemoryGatewayState implements GatewayState {
  peerList: PeerView[] = [];
  routeList: RouteView[] = [];
  vtepList: VtepView[] = [];

  peers(): PeerView[] {
    return this.peerList;
  }

  routes(filter: RouteFilter): RouteView[] {
    return this.routeList.filter((r) => (filter.vni === undefined || r.vni === filter.vni) && (filter.type === undefined || r.type === filter.type));
  }

  vteps(): VtepView[] {
    return this.vtepList;
  }
}
